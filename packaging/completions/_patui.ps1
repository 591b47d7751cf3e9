
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'patui' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'patui'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'patui' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one token')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token, store it in the keyring and print it once on stdout')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Rename, extend or re-scope a token')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Regenerate a token: create a new one with the same settings, then revoke the old one')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke tokens by id, or every active token with --all')
            [CompletionResult]::new('migrate-global', 'migrate-global', [CompletionResultType]::ParameterValue, 'Replace global tokens (all organizations) with one token per organization, then revoke them')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Exit 5 when something needs attention (global tokens, tokens expiring soon, stored tokens that are dead); for cron, CI and shell prompts. Never signs in interactively')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Regenerate the stored tokens that expire soon (same settings; the old ones revoked)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Forget stored values whose tokens no longer work (revoked, expired, retired, gone)')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in with the device code flow and keep the refresh token in the keyring; with --server, keep a PAT for that server (asked with hidden input, or read from stdin), or with --windows a Windows account and password for NTLM')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the cached sign-in (the refresh token in the keyring; with --server, its PAT and Windows password)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the config, logs, keyring, sign-in and the service')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('credential', 'credential', [CompletionResultType]::ParameterValue, 'Git credential helper (`git config credential.https://dev.azure.com.helper "patui credential"`)')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Run the Azure DevOps simulator (prints its base URL on the first line of stdout)')
            [CompletionResult]::new('cargo-credential', 'cargo-credential', [CompletionResultType]::ParameterValue, 'Cargo credential provider (protocol v1): `credential-provider = ["patui", "cargo-credential"]`')
            [CompletionResult]::new('keyring', 'keyring', [CompletionResultType]::ParameterValue, 'The `keyring` command pip and uv call (`--keyring-provider subprocess`): prints the stored token for an Azure Artifacts feed URL')
            [CompletionResult]::new('nuget-plugin', 'nuget-plugin', [CompletionResultType]::ParameterValue, 'NuGet authentication plugin (protocol 2.0.0 over stdio); also run as `nuget-plugin-patui` or with `-Plugin`')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the feed credentials it reads from the environment (npm, NuGet, twine, Cargo); its exit code is returned. Children inherit them')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Make patui the credential provider of a package manager (nuget, cargo, pip, pnpm)')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find personal access tokens left in plain text (npmrc, NuGet.Config, pip.conf, .netrc, git credentials, env files…); exit 1 when any is found')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patui;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'active, expiring, expired, revoked or all')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--all-orgs', '--all-orgs', [CompletionResultType]::ParameterName, 'Every organization of the signed-in user')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON output (one array, when every page has arrived)')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'JSON Lines: one token per line, written as pages arrive (a script starts on the first page; tokens come in the service''s order, not sorted)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;show' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The token name')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'Space-separated scope ids, e.g. "vso.code vso.packaging"')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A named preset (built-in or from the config file)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifespan in days (default 30)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Expiry date, YYYY-MM-DD')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--full-access', '--full-access', [CompletionResultType]::ParameterName, 'Full access (app_token)')
            [CompletionResult]::new('--all-orgs', '--all-orgs', [CompletionResultType]::ParameterName, 'Every organization of the signed-in user')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'name')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'New lifespan, in days from now')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'New expiry date, YYYY-MM-DD')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'New space-separated scopes')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;rotate' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;revoke' {
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Revocations in flight at once')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every active token (of --org, or of every organization with --all-orgs)')
            [CompletionResult]::new('--all-orgs', '--all-orgs', [CompletionResultType]::ParameterName, 'Every organization of the signed-in user')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required without a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;migrate-global' {
            [CompletionResult]::new('--orgs', '--orgs', [CompletionResultType]::ParameterName, 'The organizations to create replacements in, comma-separated (default: every organization of the account)')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--keep-old', '--keep-old', [CompletionResultType]::ParameterName, 'Keep the global tokens (do not revoke them after their replacements exist)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required without a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;check' {
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'Tokens expiring within this many days need attention (default: `warn_days`, 7)')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--all-orgs', '--all-orgs', [CompletionResultType]::ParameterName, 'Every organization of the signed-in user')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;renew' {
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'Renew stored tokens expiring within this many days (default: `renew_before_days`, 3)')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required without a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;prune' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required without a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;login' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The Windows account for --windows: DOMAIN\user or user@domain (asked when omitted)')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--windows', '--windows', [CompletionResultType]::ParameterName, 'With --server: keep a Windows account (NTLM) instead of a PAT. Its password is asked with hidden input (or read from stdin), checked against the server, and kept in the keyring. (Kerberos needs nothing kept: patui uses the ticket from kinit.)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;logout' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--windows', '--windows', [CompletionResultType]::ParameterName, 'With --server: forget only the Windows account (keep the PAT)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;doctor' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Repair what can be repaired: revoke orphaned tokens (minted, value lost), finish interrupted revocations, forget stored values of dead tokens')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;completions' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;credential' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;sim' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (loopback only, unless --allow-remote)')
            [CompletionResult]::new('--seed-tokens', '--seed-tokens', [CompletionResultType]::ParameterName, 'Seed N tokens (deterministic)')
            [CompletionResult]::new('--latency-ms', '--latency-ms', [CompletionResultType]::ParameterName, 'Added latency per request, in milliseconds')
            [CompletionResult]::new('--answer-delay-ms', '--answer-delay-ms', [CompletionResultType]::ParameterName, 'Answer a create this many milliseconds after minting the token')
            [CompletionResult]::new('--drop-create-answers', '--drop-create-answers', [CompletionResultType]::ParameterName, 'The first N creates mint the token, then lose the answer (the connection breaks)')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Probability (0..1) of a 5xx on PAT requests')
            [CompletionResult]::new('--fail-only', '--fail-only', [CompletionResultType]::ParameterName, 'Inject the 5xx faults only into requests with this method (GET, POST, PUT, DELETE)')
            [CompletionResult]::new('--truncate-rate', '--truncate-rate', [CompletionResultType]::ParameterName, 'Probability (0..1) of a truncated JSON body on PAT requests')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Requests per second before 429 + Retry-After (e.g. 50 or 50/s)')
            [CompletionResult]::new('--max-lifespan-days', '--max-lifespan-days', [CompletionResultType]::ParameterName, 'Limit lifespans to D days; see --lifespan-policy for what a longer request gets')
            [CompletionResult]::new('--lifespan-policy', '--lifespan-policy', [CompletionResultType]::ParameterName, 'What --max-lifespan-days does with a later expiry')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the random generator (token values, fault injection)')
            [CompletionResult]::new('--sign-in-after-polls', '--sign-in-after-polls', [CompletionResultType]::ParameterName, 'Simulated Entra sign-in: polls answered "pending" before the outcome')
            [CompletionResult]::new('--sign-in-outcome', '--sign-in-outcome', [CompletionResultType]::ParameterName, 'Simulated Entra sign-in: what the user does with the device code')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'Allow a --listen address that is not loopback (e.g. 0.0.0.0). The simulator accepts any bearer token, so anyone who can reach it can use it')
            [CompletionResult]::new('--demo-data', '--demo-data', [CompletionResultType]::ParameterName, 'Seed the demo data set (3 organizations, about 40 tokens)')
            [CompletionResult]::new('--full-scope-policy', '--full-scope-policy', [CompletionResultType]::ParameterName, 'Refuse full-access tokens (fullScopePatPolicyViolation)')
            [CompletionResult]::new('--errors-in-200', '--errors-in-200', [CompletionResultType]::ParameterName, 'Answer refusals (patTokenError) inside HTTP 200, as the service''s definition has it, instead of 400/404')
            [CompletionResult]::new('--strict-orgs', '--strict-orgs', [CompletionResultType]::ParameterName, 'Answer 404 for organizations that were not seeded')
            [CompletionResult]::new('--trust-windows-proxy', '--trust-windows-proxy', [CompletionResultType]::ParameterName, 'With --server-version: trust the `X-Patui-Windows-User` header that a Negotiate/NTLM proxy in front of the simulator sets (as IIS does for Windows sign-in). Only behind such a proxy: anyone who can reach the simulator could send the header')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patui;cargo-credential' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--cargo-plugin', '--cargo-plugin', [CompletionResultType]::ParameterName, 'Cargo passes it: speak the credential-provider protocol on stdin/stdout')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;keyring' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, '`password` prints the password alone; `creds` prints user name and password')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, '`plain`, `json` (`{"username": …, "password": …}`), or `authorization` (the HTTP `Authorization` value, `Basic …`: pnpm''s tokenHelper)')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;nuget-plugin' {
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;exec' {
            [CompletionResult]::new('--feed', '--feed', [CompletionResultType]::ParameterName, 'A feed URL to set credentials for (repeatable); by default the feeds the command''s project names (.npmrc, nuget.config, pip.conf, .cargo/config.toml)')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--publish', '--publish', [CompletionResultType]::ParameterName, 'Publish instead of read: the token must allow Packaging (read & write)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;setup' {
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Where to put links and shims (default ~/.local/bin; on Windows the user''s bin)')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Change files without asking')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;scan' {
            [CompletionResult]::new('--import', '--import', [CompletionResultType]::ParameterName, 'Keep the token found on this line in the keyring (FILE:LINE); --id says which of your tokens it is (on a terminal, patui asks). Then remove the copy with --remove-stored')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Regenerate the token found on this line (FILE:LINE): a new token with the same settings is created and kept, the line gets the new value (after asking; a backup without the old value is kept), and the old token is revoked. --id says which token it is, unless patui keeps it')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'With --import or --rotate: which of your tokens the value is')
            [CompletionResult]::new('--service-url', '--service-url', [CompletionResultType]::ParameterName, 'One URL that replaces every Azure DevOps host (https, or http to loopback)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra certificate authorities to trust (PEM), for a server with a private CA')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organization (on a server: the collection) to work in')
            [CompletionResult]::new('--authority', '--authority', [CompletionResultType]::ParameterName, 'Entra authority (default https://login.microsoftonline.com)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file (default: the platform config directory''s patui/config.toml)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only the given paths, not the usual places')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('--remove-stored', '--remove-stored', [CompletionResultType]::ParameterName, 'Remove every copy of a token patui keeps from the files scanned (the whole line; a backup of each file is kept); tokens unknown to patui are never changed. Asks once per file')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --remove-stored or --rotate: change the files without asking')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Run against a built-in simulator with sample data (touches no real account, keyring or config)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Monochrome output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patui;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one token')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token, store it in the keyring and print it once on stdout')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Rename, extend or re-scope a token')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Regenerate a token: create a new one with the same settings, then revoke the old one')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke tokens by id, or every active token with --all')
            [CompletionResult]::new('migrate-global', 'migrate-global', [CompletionResultType]::ParameterValue, 'Replace global tokens (all organizations) with one token per organization, then revoke them')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Exit 5 when something needs attention (global tokens, tokens expiring soon, stored tokens that are dead); for cron, CI and shell prompts. Never signs in interactively')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Regenerate the stored tokens that expire soon (same settings; the old ones revoked)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Forget stored values whose tokens no longer work (revoked, expired, retired, gone)')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in with the device code flow and keep the refresh token in the keyring; with --server, keep a PAT for that server (asked with hidden input, or read from stdin), or with --windows a Windows account and password for NTLM')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the cached sign-in (the refresh token in the keyring; with --server, its PAT and Windows password)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the config, logs, keyring, sign-in and the service')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('credential', 'credential', [CompletionResultType]::ParameterValue, 'Git credential helper (`git config credential.https://dev.azure.com.helper "patui credential"`)')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Run the Azure DevOps simulator (prints its base URL on the first line of stdout)')
            [CompletionResult]::new('cargo-credential', 'cargo-credential', [CompletionResultType]::ParameterValue, 'Cargo credential provider (protocol v1): `credential-provider = ["patui", "cargo-credential"]`')
            [CompletionResult]::new('keyring', 'keyring', [CompletionResultType]::ParameterValue, 'The `keyring` command pip and uv call (`--keyring-provider subprocess`): prints the stored token for an Azure Artifacts feed URL')
            [CompletionResult]::new('nuget-plugin', 'nuget-plugin', [CompletionResultType]::ParameterValue, 'NuGet authentication plugin (protocol 2.0.0 over stdio); also run as `nuget-plugin-patui` or with `-Plugin`')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the feed credentials it reads from the environment (npm, NuGet, twine, Cargo); its exit code is returned. Children inherit them')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Make patui the credential provider of a package manager (nuget, cargo, pip, pnpm)')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find personal access tokens left in plain text (npmrc, NuGet.Config, pip.conf, .netrc, git credentials, env files…); exit 1 when any is found')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patui;help;list' {
            break
        }
        'patui;help;show' {
            break
        }
        'patui;help;create' {
            break
        }
        'patui;help;update' {
            break
        }
        'patui;help;rotate' {
            break
        }
        'patui;help;revoke' {
            break
        }
        'patui;help;migrate-global' {
            break
        }
        'patui;help;check' {
            break
        }
        'patui;help;renew' {
            break
        }
        'patui;help;prune' {
            break
        }
        'patui;help;login' {
            break
        }
        'patui;help;logout' {
            break
        }
        'patui;help;doctor' {
            break
        }
        'patui;help;completions' {
            break
        }
        'patui;help;credential' {
            break
        }
        'patui;help;sim' {
            break
        }
        'patui;help;cargo-credential' {
            break
        }
        'patui;help;keyring' {
            break
        }
        'patui;help;nuget-plugin' {
            break
        }
        'patui;help;exec' {
            break
        }
        'patui;help;setup' {
            break
        }
        'patui;help;scan' {
            break
        }
        'patui;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
