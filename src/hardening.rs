//! Process hardening, applied first thing in `main`: no core dumps (a dump of a running patui
//! holds token values that were on screen or in flight), and on Linux the process is not
//! dumpable, which also keeps other processes of the same user from attaching a debugger to it.
//! `patui doctor` reports the state.

/// Turns core dumps off for this process (and what it starts). Returns what could not be done.
pub fn disable_core_dumps() -> Result<(), String> {
    #[cfg(unix)]
    {
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit reads the struct we pass; it has no other effect on memory.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) } != 0 {
            return Err(format!(
                "setrlimit(RLIMIT_CORE): {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(PR_SET_DUMPABLE, 0) changes a flag of this process only.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            return Err(format!(
                "prctl(PR_SET_DUMPABLE): {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    Ok(())
}

/// For `patui doctor`: whether core dumps are off in this process, in words.
pub fn describe() -> (bool, String) {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        // SAFETY: getrlimit writes into the struct we own.
        let ok = unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut lim) } == 0 && lim.rlim_cur == 0;
        #[cfg(target_os = "linux")]
        // SAFETY: PR_GET_DUMPABLE only reads a flag of this process.
        let dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) } != 0;
        #[cfg(not(target_os = "linux"))]
        let dumpable = false;
        let ok = ok && !dumpable;
        let detail = if ok {
            "core dumps off; the process is not dumpable".to_owned()
        } else {
            format!(
                "core dumps are possible (core limit {}, dumpable {dumpable})",
                lim.rlim_cur
            )
        };
        (ok, detail)
    }
    #[cfg(not(unix))]
    {
        (
            true,
            "no core dump control on this platform (Windows Error Reporting settings apply)".into(),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn describe_answers_without_changing_anything() {
        let (_, detail) = super::describe();
        assert!(!detail.is_empty());
    }
}
