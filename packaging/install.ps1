# Installs patui from a GitHub release on Windows (x86_64; Windows on Arm runs it emulated):
# downloads patui-x86_64-pc-windows-msvc.zip and its .sha256, checks the checksum, copies
# patui.exe into the install directory and adds that directory to your user PATH (it says so
# first). Download it, read it, then run it:
#
#   Invoke-WebRequest -UseBasicParsing -OutFile install.ps1 https://github.com/patui/patui/releases/latest/download/install.ps1
#   powershell -ExecutionPolicy Bypass -File .\install.ps1
#
# Settings (environment):
#   PATUI_VERSION         the release to install, e.g. 0.1.0 or v0.1.0 (default: the latest)
#   PATUI_INSTALL_DIR     where patui.exe goes (default: $env:LOCALAPPDATA\Programs\patui)
#   PATUI_DOWNLOAD_BASE   where the releases are (default: https://github.com/patui/patui/releases);
#                         files are read from BASE/download/vVERSION/ or BASE/latest/download/
#   PATUI_NO_MODIFY_PATH  set to 1 to leave the user PATH alone
#
# It runs nothing it downloads except the installed patui.exe (for `patui --version`).

#Requires -Version 5.1
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue' # Invoke-WebRequest is many times slower with it on

$repo = 'patui/patui'
$defaultBase = "https://github.com/$repo/releases"
$base = if ($env:PATUI_DOWNLOAD_BASE) { $env:PATUI_DOWNLOAD_BASE.TrimEnd('/') } else { $defaultBase }
$version = if ($env:PATUI_VERSION) { $env:PATUI_VERSION } else { 'latest' }
$installDir = if ($env:PATUI_INSTALL_DIR) {
    $env:PATUI_INSTALL_DIR
} else {
    Join-Path $env:LOCALAPPDATA 'Programs\patui'
}

function Say([string] $message) { Write-Host "patui install: $message" }

$arch = $env:PROCESSOR_ARCHITECTURE
if ($env:PROCESSOR_ARCHITEW6432) { $arch = $env:PROCESSOR_ARCHITEW6432 }
switch ($arch) {
    'AMD64' { }
    'ARM64' { Say 'Windows on Arm: installing the x86_64 build, which runs emulated' }
    default { throw "patui install: no release build for the $arch architecture; build from source: cargo install --locked --git https://github.com/$repo" }
}

$target = 'x86_64-pc-windows-msvc'
$archive = "patui-$target.zip"
$checksums = "patui-$target.sha256"
if ($version -eq 'latest') {
    $url = "$base/latest/download"
} elseif ($version.StartsWith('v')) {
    $url = "$base/download/$version"
} else {
    $url = "$base/download/v$version"
}

if ($base -eq $defaultBase -and $PSVersionTable.PSVersion.Major -lt 6) {
    # Windows PowerShell 5.1 may still default to TLS 1.0.
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
}

$tmp = Join-Path ([IO.Path]::GetTempPath()) ("patui-install-" + [Guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
    Say "downloading $url/$archive"
    Invoke-WebRequest -UseBasicParsing -Uri "$url/$archive" -OutFile (Join-Path $tmp $archive)
    Invoke-WebRequest -UseBasicParsing -Uri "$url/$checksums" -OutFile (Join-Path $tmp $checksums)

    # "HASH  FILE" (sha256sum's form): the first word is the hash.
    $line = (Get-Content -LiteralPath (Join-Path $tmp $checksums) -TotalCount 1)
    $expected = if ($line) { ($line.Trim() -split '\s+')[0].ToLowerInvariant() } else { '' }
    if ($expected -notmatch '^[0-9a-f]{64}$') { throw "patui install: $checksums holds no SHA-256" }
    $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path $tmp $archive)).Hash.ToLowerInvariant()
    if ($actual -ne $expected) {
        throw "patui install: checksum mismatch for ${archive}: expected $expected, got $actual; nothing was installed"
    }
    Say "checksum OK (sha256 $actual)"

    $unpacked = Join-Path $tmp 'unpacked'
    Expand-Archive -LiteralPath (Join-Path $tmp $archive) -DestinationPath $unpacked
    $exe = Join-Path $unpacked 'patui.exe'
    if (-not (Test-Path -LiteralPath $exe -PathType Leaf)) { throw "patui install: $archive holds no patui.exe" }

    New-Item -ItemType Directory -Force -Path $installDir | Out-Null
    $dest = Join-Path $installDir 'patui.exe'
    # A running patui.exe cannot be overwritten, but it can be renamed out of the way.
    if (Test-Path -LiteralPath $dest) {
        $old = "$dest.old"
        Remove-Item -LiteralPath $old -Force -ErrorAction SilentlyContinue
        Move-Item -LiteralPath $dest -Destination $old -Force
    }
    Copy-Item -LiteralPath $exe -Destination $dest
    Remove-Item -LiteralPath "$dest.old" -Force -ErrorAction SilentlyContinue
    # The completions, README and license come along (the man page is of no use here).
    foreach ($extra in 'completions', 'README.md', 'LICENSE') {
        $path = Join-Path $unpacked $extra
        if (Test-Path -LiteralPath $path) { Copy-Item -LiteralPath $path -Destination $installDir -Recurse -Force }
    }

    $installed = $null
    try { $installed = & $dest --version 2>$null } catch { }
    if ($installed -and $LASTEXITCODE -eq 0) {
        Say "installed $installed to $dest"
    } else {
        Say "installed $dest, but it did not run"
    }
} finally {
    Remove-Item -LiteralPath $tmp -Recurse -Force -ErrorAction SilentlyContinue
}

# The user PATH as stored (unexpanded: %USERPROFILE%\... entries stay as they are).
$envKey = Get-Item -LiteralPath 'HKCU:\Environment'
$userPath = [string] $envKey.GetValue('Path', '', 'DoNotExpandEnvironmentNames')
$entries = @($userPath.Split(';') | Where-Object { $_ })
$present = @($entries | Where-Object {
        [Environment]::ExpandEnvironmentVariables($_).TrimEnd('\') -ieq $installDir.TrimEnd('\')
    })
if ($present.Count -gt 0) {
    # Already there.
} elseif ($env:PATUI_NO_MODIFY_PATH -eq '1') {
    Say "$installDir is not on your PATH (PATUI_NO_MODIFY_PATH=1: left alone); add it to run patui by name"
} else {
    Say "adding $installDir to your user PATH (HKCU\Environment; new terminals will find patui)"
    Set-ItemProperty -LiteralPath 'HKCU:\Environment' -Name 'Path' -Type ExpandString -Value (($entries + $installDir) -join ';')
    # Tell running programs (Explorer, new terminals) that the environment changed: setting a
    # user variable through .NET broadcasts WM_SETTINGCHANGE.
    [Environment]::SetEnvironmentVariable('PATUI_INSTALL_REFRESH', '1', 'User')
    [Environment]::SetEnvironmentVariable('PATUI_INSTALL_REFRESH', $null, 'User')
    $env:Path = "$env:Path;$installDir"
}

Say "PowerShell completions: patui completions powershell | Out-String | Invoke-Expression (e.g. in your `$PROFILE)"
Say 'to check where this build came from (GitHub CLI):'
Say "  Invoke-WebRequest -UseBasicParsing -OutFile $archive $url/$archive"
Say "  gh attestation verify $archive --repo $repo"
