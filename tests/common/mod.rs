//! Helpers for the end-to-end tests: the real `patui` binary, a `patui sim` process, and a
//! private tmux server driving the TUI in a real terminal.
#![allow(dead_code)]

pub mod connect_proxy;
pub mod tls;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn patui_bin() -> &'static str {
    env!("CARGO_BIN_EXE_patui")
}

/// True when tmux is installed. When it is not, the caller skips, unless CI requires it.
pub fn have_tmux() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("PATUI_REQUIRE_TMUX").is_none(),
            "tmux is required (PATUI_REQUIRE_TMUX is set) but not installed"
        );
        eprintln!("skipped: tmux is not installed");
    }
    ok
}

/// True when the real keyring can be used here (a session bus, as scripts/with-keyring.sh
/// gives); otherwise the caller skips, unless CI requires it (`PATUI_REQUIRE_KEYRING`).
pub fn have_keyring() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    assert!(
        std::env::var_os("PATUI_REQUIRE_KEYRING").is_none(),
        "the keyring is required"
    );
    eprintln!("skipped: no session bus for the real keyring (run through scripts/with-keyring.sh)");
    false
}

/// How many times longer than usual a wait may take before a test gives up:
/// `PATUI_TEST_TIME_SCALE` (CI sets 3, for a loaded machine), else 1. Costs nothing when the
/// awaited thing comes in time.
pub fn time_scale() -> u32 {
    std::env::var("PATUI_TEST_TIME_SCALE")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1)
}

/// libfaketime's preload library (`PATUI_LIBFAKETIME` names another), where Debian and others
/// install it.
pub fn libfaketime() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("PATUI_LIBFAKETIME") {
        return Some(p.into());
    }
    let mut candidates = Vec::new();
    for base in ["/usr/lib", "/usr/lib64", "/usr/local/lib"] {
        let base = std::path::Path::new(base);
        candidates.push(base.join("faketime/libfaketime.so.1"));
        if let Ok(dirs) = std::fs::read_dir(base) {
            candidates.extend(
                dirs.flatten()
                    .map(|d| d.path().join("faketime/libfaketime.so.1")),
            );
        }
    }
    candidates.into_iter().find(|p| p.exists())
}

/// True when libfaketime is installed and moves a program's clock. When it is not, the caller
/// skips, unless CI requires it (`PATUI_REQUIRE_TMUX`, which CI sets for every tool the
/// end-to-end tests need).
pub fn have_faketime() -> bool {
    let ok = libfaketime().is_some() && {
        let words = faketime_prefix("2001-02-03 04:05:06");
        Command::new(&words[0])
            .args(&words[1..])
            .args(["date", "-u", "+%F"])
            .output()
            .map(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "2001-02-03"
            })
            .unwrap_or(false)
    };
    if !ok {
        assert!(
            std::env::var_os("PATUI_REQUIRE_TMUX").is_none(),
            "libfaketime is required (PATUI_REQUIRE_TMUX is set) but not installed"
        );
        eprintln!("skipped: libfaketime is not installed");
    }
    ok
}

/// The words that run a program with libfaketime preloaded and `FAKETIME=spec`:
/// `env LD_PRELOAD=… FAKETIME=… PROGRAM ARGS…`. Not the `faketime` wrapper: it makes a named
/// semaphore per process id and leaves it behind when it is killed, and a later wrapper that
/// gets the same process id then fails ("sem_open: File exists"), which made CI flaky.
pub fn faketime_env(spec: &str) -> Vec<String> {
    let lib = libfaketime().unwrap_or_default();
    vec![
        "env".to_owned(),
        format!("LD_PRELOAD={}", lib.display()),
        format!("FAKETIME={spec}"),
    ]
}

/// The words that run a program with its clock starting at `when` (UTC, `YYYY-MM-DD HH:MM:SS`)
/// and running on normally from there. libfaketime reads the start in local time, so it is
/// converted as the `faketime` wrapper does.
pub fn faketime_prefix(when: &str) -> Vec<String> {
    let local = Command::new("date")
        .args(["-d", &format!("{when} UTC"), "+%Y-%m-%d %H:%M:%S"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| when.to_owned());
    faketime_env(&format!("@{local}"))
}

/// The words that run a program with its clock `offset` ahead (`+5m`, `+2d`).
pub fn faketime_offset(offset: &str) -> Vec<String> {
    faketime_env(offset)
}

/// `words` as one shell command prefix, each word in double quotes (tmux runs its command
/// inside single quotes, so a word must not hold one), for a tmux command line.
pub fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let escaped: String = w
                .chars()
                .flat_map(|c| match c {
                    '"' | '\\' | '$' | '`' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            format!("\"{escaped}\"")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The process ids of `pid`'s children.
fn children_of(pid: u32) -> Vec<u32> {
    Command::new("pgrep")
        .arg("-P")
        .arg(pid.to_string())
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A `patui sim` child process, killed on drop.
pub struct SimProcess {
    child: Child,
    pub base_url: String,
    /// Run under a wrapper that is the parent of the simulator (`env` with libfaketime execs it,
    /// so no wrapper here is).
    wrapped: bool,
}

impl SimProcess {
    /// The simulator's process id.
    pub fn pid(&self) -> u32 {
        self.wrapped
            .then(|| children_of(self.child.id()).first().copied())
            .flatten()
            .unwrap_or_else(|| self.child.id())
    }

    /// Starts `patui sim ARGS…` on a free loopback port and reads its base URL.
    pub fn start(args: &[&str]) -> SimProcess {
        let mut cmd = Command::new(patui_bin());
        cmd.arg("sim").args(args);
        Self::spawn(cmd, false)
    }

    /// Starts `patui sim ARGS…` under libfaketime, its clock starting at `when` (UTC,
    /// `YYYY-MM-DD HH:MM:SS`). Check [`have_faketime`] first.
    pub fn start_at(when: &str, args: &[&str]) -> SimProcess {
        let prefix = faketime_prefix(when);
        let mut cmd = Command::new(&prefix[0]);
        cmd.args(&prefix[1..])
            .arg(patui_bin())
            .arg("sim")
            .args(args);
        Self::spawn(cmd, false)
    }

    fn spawn(mut cmd: Command, wrapped: bool) -> SimProcess {
        let mut child = cmd
            .env("PATUI_LOG_FILE", log_file())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start patui sim");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("sim prints its URL");
        let base_url = line.trim().to_owned();
        assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url:?}");
        SimProcess {
            child,
            base_url,
            wrapped,
        }
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        if self.wrapped {
            // Killing the wrapper alone would leave the simulator running.
            for pid in children_of(self.child.id()) {
                let _ = Command::new("kill")
                    .arg("-KILL")
                    .arg(pid.to_string())
                    .status();
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A log file inside the target dir, so tests never write the user's state dir.
pub fn log_file() -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    dir.join("patui-test.log").display().to_string()
}

/// A private tmux server (its own socket) running one program in a detached session.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a `width`x`height` pane, with `env` set in
    /// the program's environment (not on its command line).
    pub fn start_with_env(
        name: &str,
        width: u16,
        height: u16,
        env: &[(&str, &str)],
        command: &str,
    ) -> Tmux {
        // The process id alone could meet a server a killed earlier run left behind (tmux keeps
        // a dead pane with remain-on-exit): the start time makes the name unique.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let socket = format!("patui-e2e-{}-{nanos}-{name}", std::process::id());
        let t = Tmux { socket };
        t.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        for opt in [
            ["set", "-g", "set-clipboard", "on"],
            ["set", "-g", "remain-on-exit", "on"],
            ["set", "-sg", "escape-time", "0"],
        ] {
            t.tmux(&opt);
        }
        let mut args: Vec<String> = vec![
            "respawn-pane".into(),
            "-k".into(),
            "-t".into(),
            "app".into(),
        ];
        for (k, v) in env {
            args.push("-e".into());
            args.push(format!("{k}={v}"));
        }
        // tmux may drop a dying pane's last output, so the shell lingers after printing.
        args.push(format!("sh -c '{command}; echo patui-exit=$?; sleep 60'"));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.tmux(&args);
        t
    }

    /// An interactive bash (job control, as a user has) in a 100x30 pane, at its prompt.
    pub fn shell(name: &str, env: &[(&str, &str)]) -> Tmux {
        let t = Self::start_with_env(name, 100, 30, env, "bash --norc --noprofile -i");
        t.wait_for("bash-");
        t
    }

    /// Types a command line into the shell and presses Enter.
    pub fn run_line(&self, line: &str) {
        self.type_text(line);
        self.keys(&["Enter"]);
    }

    /// Asks the shell whether the terminal is back in cooked mode, and the last exit status.
    /// The answer ("C0ooked": cooked, status 0; "R1aw": raw, status 1) differs from the typed
    /// line's own echo.
    pub fn shell_state(&self) -> String {
        self.run_line(
            "st=$?; if stty -a | grep -q -- -icanon; then echo \"R${st}aw\"; else echo \"C${st}ooked\"; fi",
        );
        let is_answer = |l: &str| {
            let l = l.trim();
            !l.contains('$')
                && ((l.starts_with('C') && l.ends_with("ooked"))
                    || (l.starts_with('R') && l.ends_with("aw")))
        };
        let s = self.wait_until("the shell's answer", Duration::from_secs(10), |s| {
            s.lines().any(is_answer)
        });
        s.lines()
            .rev()
            .find(|l| is_answer(l))
            .unwrap_or("")
            .trim()
            .to_owned()
    }

    /// Starts `command` in a `width`x`height` pane.
    pub fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
        Self::start_with_env(name, width, height, &[], command)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "app"])
    }

    /// Polls the screen until `pred` holds, or panics with the last screen after `timeout`
    /// (times [`time_scale`]).
    pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let timeout = timeout * time_scale();
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits for a text on the screen (10 s).
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, Duration::from_secs(10), |s| s.contains(text))
    }

    /// Waits until every text is on the screen at once (10 s). Use it rather than waiting for one
    /// text and asserting another: a capture can land between two writes of one frame.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_until(&texts.join(" + "), Duration::from_secs(10), |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    /// Waits until a text is gone from the screen (10 s).
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text} to go"), Duration::from_secs(10), |s| {
            !s.contains(text)
        })
    }

    /// Types keys (tmux key names: "j", "Enter", "Escape", "C-r", or literal text with `literal`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Types a literal string.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "app", "-l", text]);
    }

    /// Resizes the window.
    pub fn resize(&self, width: u16, height: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "app",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// The process id of the program in the pane (the wrapper shell's child).
    pub fn program_pid(&self) -> u32 {
        let shell = self.tmux(&["display-message", "-p", "-t", "app", "#{pane_pid}"]);
        let out = Command::new("pgrep")
            .args(["-P", shell.trim()])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the program runs under the wrapper shell")
    }

    /// tmux's paste buffer (where OSC 52 copies land).
    pub fn buffer(&self) -> Option<String> {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(["show-buffer"])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Every paste buffer tmux holds, newest first.
    pub fn all_buffers(&self) -> Vec<String> {
        let Ok(out) = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(["list-buffers", "-F", "#{buffer_name}"])
            .output()
        else {
            return Vec::new();
        };
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|name| {
                let out = Command::new("tmux")
                    .arg("-L")
                    .arg(&self.socket)
                    .args(["show-buffer", "-b", name])
                    .output()
                    .ok()?;
                Some(String::from_utf8_lossy(&out.stdout).into_owned())
            })
            .collect()
    }

    /// Waits until the program exits; returns its exit status (printed by the wrapper shell,
    /// because tmux's own `pane_dead_status` is sometimes empty).
    pub fn wait_exit(&self) -> i32 {
        let s = self.wait_until("the exit status", Duration::from_secs(10), |s| {
            s.contains("patui-exit=")
        });
        s.split("patui-exit=")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|c| c.parse().ok())
            .unwrap_or(-1)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
