//! Command-line definitions (clap derive). Help texts say what to do, not only what a flag is.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::connectors::{self, Profile};
use crate::probe::{self, Cloud};
use crate::registration;

#[derive(Debug, Parser)]
#[command(
    name = "connector-lint",
    version,
    about = "Check the Appmixer Backoffice configuration of the connectors that sign in with Microsoft Entra ID (appmixer:azuredevops, appmixer:microsoft, appmixer:microsoft:dynamics) before it goes live.",
    long_about = "Check the Appmixer Backoffice configuration of the connectors that sign in with Microsoft Entra ID before it goes live: Azure DevOps (appmixer:azuredevops, the default for a record that names no service), Microsoft (appmixer:microsoft: Teams, Outlook, Calendar, OneDrive, SharePoint, Excel) and Microsoft Dynamics 365 (appmixer:microsoft:dynamics).\n\nIt validates the shape of each record against the connector's JSON Schema, applies the rules a schema cannot express (Secret ID pasted instead of the secret Value, Studio host instead of API host, stray whitespace, ...), and with --probe asks Microsoft Entra ID whether tenant, client id and secret really work and reads the app registration through Microsoft Graph (or, offline, from --app-registration FILE).\n\nWith --live it checks the records the Backoffice really holds, through the Appmixer API; `diff` compares files with them, `apply` deploys files only when they pass the check, and `pull` writes the live records as a file with every secret as an environment reference.\n\nExit status: 0 no error, 1 errors found (or warnings with --deny-warnings; for diff, differences; for apply, refused), 2 usage error or unreadable input, or a refused Appmixer login, 3 a requested probe (or app registration check) reached no verdict, or the Appmixer API could not be reached or answered something unexpected.",
    after_help = "Examples:\n  connector-lint check config/azdo.yaml\n  connector-lint check configs/ --format json --output report.json\n  connector-lint check - --stdin-format json < service-config.json\n  connector-lint explain client-secret/looks-like-secret-id\n  connector-lint init > azdo.yaml\n  connector-lint init appmixer:microsoft > microsoft.yaml\n  connector-lint check . --format sarif --output connector-lint.sarif\n  connector-lint completions bash > ~/.local/share/bash-completion/completions/connector-lint"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of `check`'s arguments costs nothing worth boxing them for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check configuration files (YAML or JSON) and report every problem found.
    Check(CheckArgs),
    /// Print the JSON Schema of a connector's record (the bytes of schemas/<SERVICE>.schema.json).
    Schema {
        /// The connector: appmixer:azuredevops (default), appmixer:microsoft or
        /// appmixer:microsoft:dynamics.
        #[arg(value_name = "SERVICE", value_parser = parse_service)]
        service: Option<&'static Profile>,
    },
    /// Explain a diagnostic code: what it catches, why it matters, how to fix it.
    Explain {
        /// A code such as `client-secret/looks-like-secret-id` (`--list` shows every code), or a
        /// connector's service id such as `appmixer:microsoft` (its keys, callback and setup).
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// List every code with its severity and title.
        #[arg(long)]
        list: bool,
    },
    /// Print a commented starter configuration of a connector (its secret read from the
    /// environment, e.g. ${AZDO_CLIENT_SECRET}).
    Init {
        /// The connector: appmixer:azuredevops (default), appmixer:microsoft or
        /// appmixer:microsoft:dynamics.
        #[arg(value_name = "SERVICE", value_parser = parse_service)]
        service: Option<&'static Profile>,
    },
    /// Compare files with the live Backoffice records, key by key (secrets compared, never
    /// shown). Exit 0: no difference; 1: differences.
    Diff(DiffArgs),
    /// Check the files exactly as `check` does, then, when the check passes, show the plan and
    /// PUT each record that differs to the Appmixer API (a full replace), read it back and
    /// compare. Anything that would fail the check refuses the whole apply, and nothing is sent.
    #[command(
        after_help = "Examples:\n  connector-lint apply config/azdo.yaml --api-url https://api.acme.appmixer.cloud --dry-run\n  connector-lint apply config/ --api-url https://api.acme.appmixer.cloud --deny-warnings\n\nCredentials: APPMIXER_TOKEN (an admin user's token), or APPMIXER_USERNAME and APPMIXER_PASSWORD."
    )]
    Apply(ApplyArgs),
    /// Write the live records of the supported connectors as a YAML stream that `check`, `diff`
    /// and `apply` read, every secret value replaced by an environment reference (e.g.
    /// ${AZDO_CLIENT_SECRET}) with a comment naming it. No secret is ever written.
    Pull(PullArgs),
    /// Print a shell completion script, e.g. `connector-lint completions bash > /etc/bash_completion.d/connector-lint`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output, or write one page per command into a directory.
    Man {
        /// Write connector-lint.1, connector-lint-check.1, ... into this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source snippets with the offending key or value labelled (for people).
    Human,
    /// The JSON report (version 1) described in the README.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (`upload-sarif`) and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the files of a pull request.
    Github,
    /// Azure Pipelines logging commands (`##vso[task.logissue]`), then `task.complete`.
    Azure,
    /// JUnit XML: one test case per file, a failure per error.
    Junit,
    /// GitLab Code Quality JSON (`artifacts:reports:codequality`).
    Gitlab,
}

/// The formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One block per record: `~` different, `+` only in the file, `-` only live.
    Human,
    /// One entry per record with its changes (values of secrets left out).
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Files or directories holding the records to compare (as `check` reads them).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// The Appmixer API base URL, e.g. https://api.acme.appmixer.cloud. The credentials are
    /// read from APPMIXER_TOKEN, or APPMIXER_USERNAME and APPMIXER_PASSWORD.
    #[arg(long, value_name = "URL", env = "APPMIXER_API_URL")]
    pub api_url: Option<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// The connector of records that name no `serviceId` (as for `check`).
    #[arg(long, value_name = "ID", value_parser = parse_service)]
    pub service: Option<&'static Profile>,

    /// Seconds each Appmixer API request may take, connection included [default: 10].
    #[arg(long, value_name = "SECS", value_parser = probe::parse_timeout)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// The Appmixer API base URL, e.g. https://api.acme.appmixer.cloud. The credentials are
    /// read from APPMIXER_TOKEN, or APPMIXER_USERNAME and APPMIXER_PASSWORD.
    #[arg(long, value_name = "URL", env = "APPMIXER_API_URL")]
    pub api_url: Option<String>,

    /// A connector to pull (repeatable; default: every supported connector the Backoffice
    /// holds). One that is not configured is a warning, and the exit status 1.
    #[arg(long, value_name = "ID", value_parser = parse_service)]
    pub service: Vec<&'static Profile>,

    /// Write the YAML to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Seconds each Appmixer API request may take, connection included [default: 10].
    #[arg(long, value_name = "SECS", value_parser = probe::parse_timeout)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The files are checked with every option of `check` (--api-url, --probe, --deny-warnings,
    /// --ignore, --config, ...).
    #[command(flatten)]
    pub check: CheckArgs,

    /// Show the plan and the records that would be sent (secrets masked), and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl From<OutputFormat> for crate::report::Format {
    fn from(format: OutputFormat) -> crate::report::Format {
        use crate::report::Format;
        match format {
            OutputFormat::Human => Format::Human,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Github => Format::Github,
            OutputFormat::Azure => Format::Azure,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Gitlab => Format::Gitlab,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StdinFormat {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("network").args(["probe", "live"]).multiple(true)))]
pub struct CheckArgs {
    /// Files or directories to check (directories are searched recursively for *.yaml, *.yml and
    /// *.json, skipping hidden ones); `-` reads standard input. Defaults to the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Report format.
    #[arg(short = 'f', long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output (a one-line summary still goes to the
    /// terminal).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print the summary line only (human format).
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Exit with status 1 on warnings too, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,

    /// The Appmixer API base URL, e.g. https://api.acme.appmixer.cloud: the expected redirect URI
    /// (`<api-url>/auth/azuredevops/callback`, `<api-url>/auth/microsoft/callback`) is derived
    /// from it and compared.
    #[arg(long, value_name = "URL", env = "APPMIXER_API_URL")]
    pub api_url: Option<String>,

    /// When to use colour in the human format (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The format of standard input (`-`).
    #[arg(long, value_enum, default_value_t = StdinFormat::Yaml)]
    pub stdin_format: StdinFormat,

    /// The connector of records that name no `serviceId` (a file or standard input without one);
    /// without it such a record's service comes from its path in an Appmixer key store
    /// (`connectors/<vendor>/<service>/config.<ENV>.json`), else it is appmixer:azuredevops.
    /// With --live: a connector whose live record to check (repeatable; default: every supported
    /// connector the Backoffice holds).
    #[arg(long, value_name = "ID", value_parser = parse_service)]
    pub service: Vec<&'static Profile>,

    /// Refuse files larger than this, unread: bytes, or with a KiB/MiB suffix.
    #[arg(long, value_name = "SIZE", default_value = "1MiB", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Leave a code (`key/unknown`) or a family (`client-secret/`) out of the report and the exit
    /// status; repeatable. `load/*` cannot be ignored. Suppressed findings are counted.
    #[arg(
        long,
        value_name = "CODE",
        help_heading = "Suppressions and project file"
    )]
    pub ignore: Vec<String>,

    /// The project file to read instead of the `connector-lint.toml` found in the working
    /// directory or its nearest parent.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Suppressions and project file"
    )]
    pub config: Option<PathBuf>,

    /// Leave paths matching GLOB out of directory walks (relative to the working directory; a
    /// glob without `/` matches a name at any depth); repeatable. Named files are always checked.
    #[arg(
        long,
        value_name = "GLOB",
        help_heading = "Suppressions and project file"
    )]
    pub exclude: Vec<String>,

    /// Fix, in place, the findings that have one right answer (`explain CODE` says which), then
    /// report what remains. A file is written only when the result loads and has no finding the
    /// original lacked; standard input's fixed text goes to standard output.
    #[arg(long, conflicts_with_all = ["diff", "probe", "live"], help_heading = "Fixes")]
    pub fix: bool,

    /// Print the fixes `--fix` would make as a unified diff (secret values masked) and write
    /// nothing; the exit status is that of what would remain.
    #[arg(long, conflicts_with_all = ["format", "probe", "live"], help_heading = "Fixes")]
    pub diff: bool,

    /// For runs without the secrets (pull requests from forks, a local hook): an unset
    /// `${NAME}` is an info finding saying the value was not checked, not an error.
    #[arg(long, help_heading = "Suppressions and project file")]
    pub allow_unset_env: bool,

    /// Ask Microsoft Entra ID whether each record's tenant, client id and secret work: an
    /// app-only token request for the connector's resource (Azure DevOps, Microsoft Graph,
    /// Dynamics CRM; the token is discarded). Then, with the same credentials, read the app's own
    /// registration through Microsoft Graph and check it against the setup guide (account types,
    /// redirect URI, permission, secret expiry). It cannot prove consent in customers' tenants.
    #[arg(long, help_heading = "Probe")]
    pub probe: bool,

    /// The app's home tenant (Directory (tenant) ID, or a verified domain) for every record,
    /// overriding their `tenantId`.
    #[arg(
        long,
        value_name = "TENANT",
        requires = "probe",
        help_heading = "Probe"
    )]
    pub tenant: Option<String>,

    /// The Entra cloud to ask [default: public].
    #[arg(
        long,
        value_enum,
        requires = "probe",
        conflicts_with = "authority",
        help_heading = "Probe"
    )]
    pub cloud: Option<Cloud>,

    /// The Entra authority URL instead of a cloud's: https only (http on a loopback address, for
    /// tests).
    #[arg(long, value_name = "URL", requires = "probe", help_heading = "Probe")]
    pub authority: Option<String>,

    /// Seconds each probe or Appmixer API request may take, connection included [default: 10].
    #[arg(
        long,
        value_name = "SECS",
        requires = "network",
        value_parser = probe::parse_timeout,
        help_heading = "Probe"
    )]
    pub timeout: Option<Duration>,

    /// The Microsoft Graph URL the probe reads the app registration from, instead of the cloud's
    /// (graph.microsoft.com, graph.microsoft.us, microsoftgraph.chinacloudapi.cn): https only
    /// (http on a loopback address, for tests).
    #[arg(
        long,
        value_name = "URL",
        requires = "probe",
        conflicts_with = "app_registration",
        help_heading = "App registration"
    )]
    pub graph_url: Option<String>,

    /// Warn about a client secret that expires within this many days [default: 30].
    #[arg(
        long,
        value_name = "DAYS",
        value_parser = registration::parse_expiry_warning,
        help_heading = "App registration"
    )]
    pub expiry_warning: Option<u32>,

    /// Check the app registrations offline, from this file instead of Microsoft Graph: what
    /// `az ad app show --id <clientId>` prints (one application object, or a list of them),
    /// matched to records by `appId`. Nothing is sent anywhere.
    #[arg(long, value_name = "FILE", help_heading = "App registration")]
    pub app_registration: Option<PathBuf>,

    /// Check the live Backoffice records at --api-url instead of files, read through the Appmixer
    /// API with APPMIXER_TOKEN (an admin user's token), or APPMIXER_USERNAME and
    /// APPMIXER_PASSWORD: every supported connector's record, or those named with --service.
    #[arg(long, conflicts_with = "paths", help_heading = "Live Backoffice")]
    pub live: bool,
}

impl CheckArgs {
    /// The connector of file records that name none (`--service` given at most once); with
    /// `--live`, `--service` names the records to read instead, and there are no files.
    pub fn file_service(&self) -> Result<Option<&'static Profile>, String> {
        if self.live {
            return Ok(None);
        }
        match self.service.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(
                "--service names one connector when checking files (the one of records that name none); several are taken only with --live"
                    .to_owned(),
            ),
        }
    }
}

/// A supported connector's service id, with a did-you-mean for a near miss.
pub fn parse_service(text: &str) -> Result<&'static Profile, String> {
    match connectors::match_service_id(text) {
        connectors::ServiceMatch::Exact(profile) => Ok(profile),
        connectors::ServiceMatch::Misspelled(profile) => Err(format!(
            "`{text}` is not a supported connector; did you mean `{}`?",
            profile.service_id
        )),
        connectors::ServiceMatch::Other => Err(format!(
            "`{text}` is not a supported connector; use {}",
            connectors::service_ids_listed()
        )),
    }
}

/// Parses `1048576`, `512KiB`, `1MiB` (also `K`, `KB`, `M`, `MB`, as binary multiples).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 1048576, 512KiB or 2MiB"))?;
    let multiplier = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        other => return Err(format!("unknown size unit `{other}`; use KiB or MiB")),
    };
    number
        .checked_mul(multiplier)
        .filter(|size| *size > 0)
        .ok_or_else(|| format!("`{text}` is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1MiB"), Ok(1024 * 1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1TB").is_err());
    }
}
