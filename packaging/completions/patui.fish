# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_patui_global_optspecs
    string join \n demo service-url= server= server-version= ca-file= org= no-color authority= config= h/help V/version
end

function __fish_patui_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_patui_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_patui_using_subcommand
    set -l cmd (__fish_patui_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c patui -n "__fish_patui_needs_command" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_needs_command" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_needs_command" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_needs_command" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_needs_command" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_needs_command" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_needs_command" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_needs_command" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_needs_command" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_needs_command" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_needs_command" -s V -l version -d 'Print version'
complete -c patui -n "__fish_patui_needs_command" -f -a "list" -d 'List tokens'
complete -c patui -n "__fish_patui_needs_command" -f -a "show" -d 'Show one token'
complete -c patui -n "__fish_patui_needs_command" -f -a "create" -d 'Create a token, store it in the keyring and print it once on stdout'
complete -c patui -n "__fish_patui_needs_command" -f -a "update" -d 'Rename, extend or re-scope a token'
complete -c patui -n "__fish_patui_needs_command" -f -a "rotate" -d 'Regenerate a token: create a new one with the same settings, then revoke the old one'
complete -c patui -n "__fish_patui_needs_command" -f -a "revoke" -d 'Revoke tokens by id, or every active token with --all'
complete -c patui -n "__fish_patui_needs_command" -f -a "migrate-global" -d 'Replace global tokens (all organizations) with one token per organization, then revoke them'
complete -c patui -n "__fish_patui_needs_command" -f -a "check" -d 'Exit 5 when something needs attention (global tokens, tokens expiring soon, stored tokens that are dead); for cron, CI and shell prompts. Never signs in interactively'
complete -c patui -n "__fish_patui_needs_command" -f -a "renew" -d 'Regenerate the stored tokens that expire soon (same settings; the old ones revoked)'
complete -c patui -n "__fish_patui_needs_command" -f -a "prune" -d 'Forget stored values whose tokens no longer work (revoked, expired, retired, gone)'
complete -c patui -n "__fish_patui_needs_command" -f -a "login" -d 'Sign in with the device code flow and keep the refresh token in the keyring; with --server, keep a PAT for that server (asked with hidden input, or read from stdin), or with --windows a Windows account and password for NTLM'
complete -c patui -n "__fish_patui_needs_command" -f -a "logout" -d 'Forget the cached sign-in (the refresh token in the keyring; with --server, its PAT and Windows password)'
complete -c patui -n "__fish_patui_needs_command" -f -a "doctor" -d 'Check the config, logs, keyring, sign-in and the service'
complete -c patui -n "__fish_patui_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c patui -n "__fish_patui_needs_command" -f -a "credential" -d 'Git credential helper (`git config credential.https://dev.azure.com.helper "patui credential"`)'
complete -c patui -n "__fish_patui_needs_command" -f -a "sim" -d 'Run the Azure DevOps simulator (prints its base URL on the first line of stdout)'
complete -c patui -n "__fish_patui_needs_command" -f -a "cargo-credential" -d 'Cargo credential provider (protocol v1): `credential-provider = ["patui", "cargo-credential"]`'
complete -c patui -n "__fish_patui_needs_command" -f -a "keyring" -d 'The `keyring` command pip and uv call (`--keyring-provider subprocess`): prints the stored token for an Azure Artifacts feed URL'
complete -c patui -n "__fish_patui_needs_command" -f -a "nuget-plugin" -d 'NuGet authentication plugin (protocol 2.0.0 over stdio); also run as `nuget-plugin-patui` or with `-Plugin`'
complete -c patui -n "__fish_patui_needs_command" -f -a "exec" -d 'Run a command with the feed credentials it reads from the environment (npm, NuGet, twine, Cargo); its exit code is returned. Children inherit them'
complete -c patui -n "__fish_patui_needs_command" -f -a "setup" -d 'Make patui the credential provider of a package manager (nuget, cargo, pip, pnpm)'
complete -c patui -n "__fish_patui_needs_command" -f -a "scan" -d 'Find personal access tokens left in plain text (npmrc, NuGet.Config, pip.conf, .netrc, git credentials, env files…); exit 1 when any is found'
complete -c patui -n "__fish_patui_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patui -n "__fish_patui_using_subcommand list" -l status -d 'active, expiring, expired, revoked or all' -r -f -a "active\t''
expiring\t''
expired\t''
revoked\t''
all\t''"
complete -c patui -n "__fish_patui_using_subcommand list" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand list" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand list" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand list" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand list" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand list" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand list" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand list" -l all-orgs -d 'Every organization of the signed-in user'
complete -c patui -n "__fish_patui_using_subcommand list" -l json -d 'JSON output (one array, when every page has arrived)'
complete -c patui -n "__fish_patui_using_subcommand list" -l jsonl -d 'JSON Lines: one token per line, written as pages arrive (a script starts on the first page; tokens come in the service\'s order, not sorted)'
complete -c patui -n "__fish_patui_using_subcommand list" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand list" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand list" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand show" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand show" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand show" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand show" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand show" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand show" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand show" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand show" -l json
complete -c patui -n "__fish_patui_using_subcommand show" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand show" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand show" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand create" -l name -d 'The token name' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l scopes -d 'Space-separated scope ids, e.g. "vso.code vso.packaging"' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l preset -d 'A named preset (built-in or from the config file)' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l days -d 'Lifespan in days (default 30)' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l expires -d 'Expiry date, YYYY-MM-DD' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand create" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand create" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand create" -l full-access -d 'Full access (app_token)'
complete -c patui -n "__fish_patui_using_subcommand create" -l all-orgs -d 'Every organization of the signed-in user'
complete -c patui -n "__fish_patui_using_subcommand create" -l json
complete -c patui -n "__fish_patui_using_subcommand create" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand create" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand create" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand update" -l name -r
complete -c patui -n "__fish_patui_using_subcommand update" -l days -d 'New lifespan, in days from now' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l expires -d 'New expiry date, YYYY-MM-DD' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l scopes -d 'New space-separated scopes' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand update" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand update" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand update" -l json
complete -c patui -n "__fish_patui_using_subcommand update" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand update" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand update" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand rotate" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand rotate" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand rotate" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand rotate" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand rotate" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand rotate" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand rotate" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand rotate" -l json
complete -c patui -n "__fish_patui_using_subcommand rotate" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand rotate" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand rotate" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand revoke" -l concurrency -d 'Revocations in flight at once' -r
complete -c patui -n "__fish_patui_using_subcommand revoke" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand revoke" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand revoke" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand revoke" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand revoke" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand revoke" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand revoke" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand revoke" -l all -d 'Every active token (of --org, or of every organization with --all-orgs)'
complete -c patui -n "__fish_patui_using_subcommand revoke" -l all-orgs -d 'Every organization of the signed-in user'
complete -c patui -n "__fish_patui_using_subcommand revoke" -l yes -d 'Do not ask (required without a terminal)'
complete -c patui -n "__fish_patui_using_subcommand revoke" -l json
complete -c patui -n "__fish_patui_using_subcommand revoke" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand revoke" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand revoke" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l orgs -d 'The organizations to create replacements in, comma-separated (default: every organization of the account)' -r
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l keep-old -d 'Keep the global tokens (do not revoke them after their replacements exist)'
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l yes -d 'Do not ask (required without a terminal)'
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l json
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand migrate-global" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand check" -l within -d 'Tokens expiring within this many days need attention (default: `warn_days`, 7)' -r
complete -c patui -n "__fish_patui_using_subcommand check" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand check" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand check" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand check" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand check" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand check" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand check" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand check" -l all-orgs -d 'Every organization of the signed-in user'
complete -c patui -n "__fish_patui_using_subcommand check" -l json
complete -c patui -n "__fish_patui_using_subcommand check" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand check" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand check" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand renew" -l within -d 'Renew stored tokens expiring within this many days (default: `renew_before_days`, 3)' -r
complete -c patui -n "__fish_patui_using_subcommand renew" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand renew" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand renew" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand renew" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand renew" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand renew" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand renew" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand renew" -l yes -d 'Do not ask (required without a terminal)'
complete -c patui -n "__fish_patui_using_subcommand renew" -l json
complete -c patui -n "__fish_patui_using_subcommand renew" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand renew" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand renew" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand prune" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand prune" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand prune" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand prune" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand prune" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand prune" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand prune" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand prune" -l yes -d 'Do not ask (required without a terminal)'
complete -c patui -n "__fish_patui_using_subcommand prune" -l json
complete -c patui -n "__fish_patui_using_subcommand prune" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand prune" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand prune" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand login" -l user -d 'The Windows account for --windows: DOMAIN\\user or user@domain (asked when omitted)' -r
complete -c patui -n "__fish_patui_using_subcommand login" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand login" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand login" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand login" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand login" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand login" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand login" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand login" -l windows -d 'With --server: keep a Windows account (NTLM) instead of a PAT. Its password is asked with hidden input (or read from stdin), checked against the server, and kept in the keyring. (Kerberos needs nothing kept: patui uses the ticket from kinit.)'
complete -c patui -n "__fish_patui_using_subcommand login" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand login" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand login" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand logout" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand logout" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand logout" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand logout" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand logout" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand logout" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand logout" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand logout" -l windows -d 'With --server: forget only the Windows account (keep the PAT)'
complete -c patui -n "__fish_patui_using_subcommand logout" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand logout" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand logout" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand doctor" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand doctor" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand doctor" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand doctor" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand doctor" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand doctor" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand doctor" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand doctor" -l fix -d 'Repair what can be repaired: revoke orphaned tokens (minted, value lost), finish interrupted revocations, forget stored values of dead tokens'
complete -c patui -n "__fish_patui_using_subcommand doctor" -l json
complete -c patui -n "__fish_patui_using_subcommand doctor" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand doctor" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand completions" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand completions" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand completions" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand completions" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand completions" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand completions" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand completions" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand completions" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand completions" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand completions" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand credential" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand credential" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand credential" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand credential" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand credential" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand credential" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand credential" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand credential" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand credential" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand credential" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand sim" -l listen -d 'Address to listen on (loopback only, unless --allow-remote)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l seed-tokens -d 'Seed N tokens (deterministic)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l latency-ms -d 'Added latency per request, in milliseconds' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l answer-delay-ms -d 'Answer a create this many milliseconds after minting the token' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l drop-create-answers -d 'The first N creates mint the token, then lose the answer (the connection breaks)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l fail-rate -d 'Probability (0..1) of a 5xx on PAT requests' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l fail-only -d 'Inject the 5xx faults only into requests with this method (GET, POST, PUT, DELETE)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l truncate-rate -d 'Probability (0..1) of a truncated JSON body on PAT requests' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l rate-limit -d 'Requests per second before 429 + Retry-After (e.g. 50 or 50/s)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l max-lifespan-days -d 'Limit lifespans to D days; see --lifespan-policy for what a longer request gets' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l lifespan-policy -d 'What --max-lifespan-days does with a later expiry' -r -f -a "clamp\t'Shorten the expiry to the limit and succeed (what the service does today)'
reject\t'Refuse with patLifespanPolicyViolation (the service\'s older behaviour)'"
complete -c patui -n "__fish_patui_using_subcommand sim" -l seed -d 'Seed of the random generator (token values, fault injection)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l sign-in-after-polls -d 'Simulated Entra sign-in: polls answered "pending" before the outcome' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l sign-in-outcome -d 'Simulated Entra sign-in: what the user does with the device code' -r -f -a "approve\t''
decline\t''
expire\t''"
complete -c patui -n "__fish_patui_using_subcommand sim" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand sim" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand sim" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand sim" -l allow-remote -d 'Allow a --listen address that is not loopback (e.g. 0.0.0.0). The simulator accepts any bearer token, so anyone who can reach it can use it'
complete -c patui -n "__fish_patui_using_subcommand sim" -l demo-data -d 'Seed the demo data set (3 organizations, about 40 tokens)'
complete -c patui -n "__fish_patui_using_subcommand sim" -l full-scope-policy -d 'Refuse full-access tokens (fullScopePatPolicyViolation)'
complete -c patui -n "__fish_patui_using_subcommand sim" -l errors-in-200 -d 'Answer refusals (patTokenError) inside HTTP 200, as the service\'s definition has it, instead of 400/404'
complete -c patui -n "__fish_patui_using_subcommand sim" -l strict-orgs -d 'Answer 404 for organizations that were not seeded'
complete -c patui -n "__fish_patui_using_subcommand sim" -l trust-windows-proxy -d 'With --server-version: trust the `X-Patui-Windows-User` header that a Negotiate/NTLM proxy in front of the simulator sets (as IIS does for Windows sign-in). Only behind such a proxy: anyone who can reach the simulator could send the header'
complete -c patui -n "__fish_patui_using_subcommand sim" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand sim" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand sim" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l cargo-plugin -d 'Cargo passes it: speak the credential-provider protocol on stdin/stdout'
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand cargo-credential" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand keyring" -l mode -d '`password` prints the password alone; `creds` prints user name and password' -r -f -a "password\t''
creds\t''"
complete -c patui -n "__fish_patui_using_subcommand keyring" -l output -d '`plain`, `json` (`{"username": …, "password": …}`), or `authorization` (the HTTP `Authorization` value, `Basic …`: pnpm\'s tokenHelper)' -r -f -a "plain\t''
json\t''
authorization\t''"
complete -c patui -n "__fish_patui_using_subcommand keyring" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand keyring" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand keyring" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand keyring" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand keyring" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand keyring" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand keyring" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand keyring" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand keyring" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand keyring" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand nuget-plugin" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand exec" -l feed -d 'A feed URL to set credentials for (repeatable); by default the feeds the command\'s project names (.npmrc, nuget.config, pip.conf, .cargo/config.toml)' -r
complete -c patui -n "__fish_patui_using_subcommand exec" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand exec" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand exec" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand exec" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand exec" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand exec" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand exec" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand exec" -l publish -d 'Publish instead of read: the token must allow Packaging (read & write)'
complete -c patui -n "__fish_patui_using_subcommand exec" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand exec" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand exec" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand setup" -l bin-dir -d 'Where to put links and shims (default ~/.local/bin; on Windows the user\'s bin)' -r -F
complete -c patui -n "__fish_patui_using_subcommand setup" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand setup" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand setup" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand setup" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand setup" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand setup" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand setup" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand setup" -l yes -d 'Change files without asking'
complete -c patui -n "__fish_patui_using_subcommand setup" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand setup" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand setup" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand scan" -l import -d 'Keep the token found on this line in the keyring (FILE:LINE); --id says which of your tokens it is (on a terminal, patui asks). Then remove the copy with --remove-stored' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l rotate -d 'Regenerate the token found on this line (FILE:LINE): a new token with the same settings is created and kept, the line gets the new value (after asking; a backup without the old value is kept), and the old token is revoked. --id says which token it is, unless patui keeps it' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l id -d 'With --import or --rotate: which of your tokens the value is' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l service-url -d 'One URL that replaces every Azure DevOps host (https, or http to loopback)' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l server -d 'An Azure DevOps Server or TFS (on-premises): the URL of a collection (https://tfs.example.com/tfs/DefaultCollection) or of the server' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l server-version -d 'With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018, 2019, 2020, 2022) instead of the cloud' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l ca-file -d 'Extra certificate authorities to trust (PEM), for a server with a private CA' -r -F
complete -c patui -n "__fish_patui_using_subcommand scan" -l org -d 'The organization (on a server: the collection) to work in' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l authority -d 'Entra authority (default https://login.microsoftonline.com)' -r
complete -c patui -n "__fish_patui_using_subcommand scan" -l config -d 'The config file (default: the platform config directory\'s patui/config.toml)' -r -F
complete -c patui -n "__fish_patui_using_subcommand scan" -l only -d 'Only the given paths, not the usual places'
complete -c patui -n "__fish_patui_using_subcommand scan" -l json
complete -c patui -n "__fish_patui_using_subcommand scan" -l remove-stored -d 'Remove every copy of a token patui keeps from the files scanned (the whole line; a backup of each file is kept); tokens unknown to patui are never changed. Asks once per file'
complete -c patui -n "__fish_patui_using_subcommand scan" -l yes -d 'With --remove-stored or --rotate: change the files without asking'
complete -c patui -n "__fish_patui_using_subcommand scan" -l demo -d 'Run against a built-in simulator with sample data (touches no real account, keyring or config)'
complete -c patui -n "__fish_patui_using_subcommand scan" -l no-color -d 'Monochrome output (NO_COLOR is honoured too)'
complete -c patui -n "__fish_patui_using_subcommand scan" -s h -l help -d 'Print help'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "list" -d 'List tokens'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "show" -d 'Show one token'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "create" -d 'Create a token, store it in the keyring and print it once on stdout'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "update" -d 'Rename, extend or re-scope a token'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "rotate" -d 'Regenerate a token: create a new one with the same settings, then revoke the old one'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "revoke" -d 'Revoke tokens by id, or every active token with --all'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "migrate-global" -d 'Replace global tokens (all organizations) with one token per organization, then revoke them'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "check" -d 'Exit 5 when something needs attention (global tokens, tokens expiring soon, stored tokens that are dead); for cron, CI and shell prompts. Never signs in interactively'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "renew" -d 'Regenerate the stored tokens that expire soon (same settings; the old ones revoked)'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "prune" -d 'Forget stored values whose tokens no longer work (revoked, expired, retired, gone)'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "login" -d 'Sign in with the device code flow and keep the refresh token in the keyring; with --server, keep a PAT for that server (asked with hidden input, or read from stdin), or with --windows a Windows account and password for NTLM'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "logout" -d 'Forget the cached sign-in (the refresh token in the keyring; with --server, its PAT and Windows password)'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "doctor" -d 'Check the config, logs, keyring, sign-in and the service'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "completions" -d 'Print shell completions'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "credential" -d 'Git credential helper (`git config credential.https://dev.azure.com.helper "patui credential"`)'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "sim" -d 'Run the Azure DevOps simulator (prints its base URL on the first line of stdout)'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "cargo-credential" -d 'Cargo credential provider (protocol v1): `credential-provider = ["patui", "cargo-credential"]`'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "keyring" -d 'The `keyring` command pip and uv call (`--keyring-provider subprocess`): prints the stored token for an Azure Artifacts feed URL'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "nuget-plugin" -d 'NuGet authentication plugin (protocol 2.0.0 over stdio); also run as `nuget-plugin-patui` or with `-Plugin`'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "exec" -d 'Run a command with the feed credentials it reads from the environment (npm, NuGet, twine, Cargo); its exit code is returned. Children inherit them'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "setup" -d 'Make patui the credential provider of a package manager (nuget, cargo, pip, pnpm)'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "scan" -d 'Find personal access tokens left in plain text (npmrc, NuGet.Config, pip.conf, .netrc, git credentials, env files…); exit 1 when any is found'
complete -c patui -n "__fish_patui_using_subcommand help; and not __fish_seen_subcommand_from list show create update rotate revoke migrate-global check renew prune login logout doctor completions credential sim cargo-credential keyring nuget-plugin exec setup scan help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
