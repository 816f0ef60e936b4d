//! Configuration: command-line flags, each with an environment variable (`CHAMDIEM_…`).
//!
//! With no configuration at all the server listens on `127.0.0.1:8080`, keeps an embedded
//! SQLite database and the evidence files in `./data`, and seeds the demo province on first
//! start.

use clap::{Args, Parser, Subcommand};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// The command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "chamdiem-server",
    version,
    about = "The chamdiem reference server: self-assessment, review and explanation of public-sector scoring dossiers."
)]
pub struct Cli {
    /// The configuration.
    #[command(flatten)]
    pub config: Config,
    /// What to do (default: `serve`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Create an administrator account (the first one, on a server started with --no-demo).
    /// The password is read from CHAMDIEM_ADMIN_PASSWORD, or else from the first line of
    /// standard input.
    CreateAdmin {
        /// The account name to log in with (letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        login: String,
        /// The person's name.
        #[arg(long, default_value = "Quản trị hệ thống")]
        name: String,
        /// The unit the administrator belongs to; created as a province if the database has
        /// no unit with this id yet.
        #[arg(long, default_value = "TINH")]
        unit: String,
        /// The name of that unit, when it is created.
        #[arg(long, default_value = "Ủy ban nhân dân tỉnh")]
        unit_name: String,
    },
    /// Print the OpenAPI document of the JSON API.
    Openapi,
}

/// Everything the server can be configured with.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// The address to listen on.
    #[arg(long, env = "CHAMDIEM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The data folder: the SQLite database and, unless --evidence-dir says otherwise, the
    /// evidence files.
    #[arg(long, env = "CHAMDIEM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The database: a SQLite file path, `sqlite::memory:`, or a `postgres://` URL (the
    /// PostgreSQL store, for several instances). Default: `<data-dir>/chamdiem.sqlite3`.
    #[arg(long, env = "CHAMDIEM_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The folder of evidence files. Default: `<data-dir>/evidence`.
    #[arg(long, env = "CHAMDIEM_EVIDENCE_DIR")]
    pub evidence_dir: Option<PathBuf>,
    /// Where evidence files are kept: empty for the folder --evidence-dir (the default),
    /// `memory:` for tests (lost at exit), or `s3://bucket/prefix` for an S3-compatible store
    /// shared by several instances (a build with the `s3` feature; credentials and endpoint from
    /// the usual `AWS_…` variables).
    #[arg(long, env = "CHAMDIEM_EVIDENCE_STORE")]
    pub evidence_store: Option<String>,
    /// The evidence types accepted, as file extensions (comma-separated). The content of a
    /// known type must carry that type's signature.
    #[arg(
        long,
        env = "CHAMDIEM_EVIDENCE_TYPES",
        value_delimiter = ',',
        default_value = "pdf,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp,jpg,jpeg,png,zip"
    )]
    pub evidence_types: Vec<String>,
    /// The largest evidence file accepted (`100MiB`, `20MB`, `5000000`).
    #[arg(long, env = "CHAMDIEM_UPLOAD_LIMIT", default_value = "100MiB", value_parser = parse_size)]
    pub upload_limit: u64,
    /// The most files one upload request may carry.
    #[arg(long, env = "CHAMDIEM_UPLOAD_FILES", default_value_t = 20)]
    pub upload_files: usize,
    /// Uploads received at the same time; more wait their turn. Memory held by uploads is at
    /// most this many times a few received chunks (about 2 MB, local folder) or two parts
    /// of the store (16 MiB on S3).
    #[arg(long, env = "CHAMDIEM_UPLOAD_CONCURRENCY", default_value_t = 16)]
    pub upload_concurrency: usize,
    /// An upload that sends nothing for this long is abandoned (seconds).
    #[arg(long, env = "CHAMDIEM_UPLOAD_IDLE_SECS", default_value_t = 60)]
    pub upload_idle_secs: u64,
    /// An upload request may take at most this long (seconds): 100 MB at 512 kbit/s.
    #[arg(long, env = "CHAMDIEM_UPLOAD_TIMEOUT_SECS", default_value_t = 1800)]
    pub upload_timeout_secs: u64,
    /// The largest JSON or form body accepted.
    #[arg(long, env = "CHAMDIEM_BODY_LIMIT", default_value = "2MiB", value_parser = parse_size)]
    pub body_limit: u64,
    /// The largest criteria-set import (JSON, TOML or Excel workbook).
    #[arg(long, env = "CHAMDIEM_IMPORT_LIMIT", default_value = "10MiB", value_parser = parse_size)]
    pub import_limit: u64,
    /// How long a session lasts at most after login (`12h`, `90m`, `3600s`).
    #[arg(long, env = "CHAMDIEM_SESSION_LIFETIME", default_value = "12h", value_parser = parse_duration)]
    pub session_lifetime: Duration,
    /// A session unused for this long ends.
    #[arg(long, env = "CHAMDIEM_SESSION_IDLE", default_value = "2h", value_parser = parse_duration)]
    pub session_idle: Duration,
    /// Mark the session cookie `Secure` and name it `__Host-chamdiem_session` (serve over
    /// HTTPS, directly or behind a proxy).
    #[arg(long, env = "CHAMDIEM_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (only behind HTTPS).
    #[arg(long, env = "CHAMDIEM_HSTS")]
    pub hsts: bool,
    /// The public origin the browser sees (`https://chamdiem.example.gov.vn`); state-changing
    /// requests must come from it. Default: the request's own host, with `https` when
    /// --secure-cookies is on and `http` otherwise.
    #[arg(long, env = "CHAMDIEM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` is believed for the client address (comma-separated
    /// IP addresses). Without them the client address is the connection's peer.
    #[arg(long, env = "CHAMDIEM_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Client addresses exempt from the per-address login limit (comma-separated IP
    /// addresses): a load generator, a monitoring probe. The per-account backoff still
    /// applies to them.
    #[arg(long, env = "CHAMDIEM_THROTTLE_EXEMPT", value_delimiter = ',')]
    pub throttle_exempt: Vec<IpAddr>,
    /// The log filter (`info`, `debug`, `chamdiem_server=debug,tower_http=info`).
    #[arg(long, env = "CHAMDIEM_LOG", default_value = "info")]
    pub log: String,
    /// Do not seed the demo province into an empty database.
    #[arg(long, env = "CHAMDIEM_NO_DEMO")]
    pub no_demo: bool,
    /// Per-address login limit: failed logins allowed in a burst from one client address.
    #[arg(long, env = "CHAMDIEM_LOGIN_BURST", default_value_t = 20)]
    pub login_burst: u32,
    /// Per-address login limit: one more failed login is allowed every this many seconds.
    #[arg(long, env = "CHAMDIEM_LOGIN_REFILL_SECS", default_value_t = 30)]
    pub login_refill_secs: u64,
    /// Per-account backoff: failed logins of one account before it must wait.
    #[arg(long, env = "CHAMDIEM_ACCOUNT_FREE_FAILURES", default_value_t = 5)]
    pub account_free_failures: u32,
    /// How long a request may take, except uploads (seconds).
    #[arg(long, env = "CHAMDIEM_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Cli::parse_from(["chamdiem-server"]).config
    }
}

impl Config {
    /// A configuration for tests: an in-memory SQLite database, evidence files in memory, no
    /// demo.
    pub fn for_tests() -> Self {
        Config {
            database_url: Some("sqlite::memory:".into()),
            evidence_store: Some("memory:".into()),
            no_demo: true,
            ..Cli::try_parse_from(["chamdiem-server"])
                .map(|c| c.config)
                .unwrap_or_else(|e| panic!("{e}"))
        }
    }

    /// The database URL or path, with the default filled in.
    pub fn database(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            self.data_dir
                .join("chamdiem.sqlite3")
                .to_string_lossy()
                .into_owned()
        })
    }

    /// The evidence folder, with the default filled in.
    pub fn evidence_folder(&self) -> PathBuf {
        self.evidence_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("evidence"))
    }

    /// The session cookie's name: `__Host-` prefixed when cookies are secure (browsers
    /// refuse a `__Host-` cookie without `Secure`).
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-chamdiem_session"
        } else {
            "chamdiem_session"
        }
    }

    /// The URL people open, for the start-up message.
    pub fn display_url(&self) -> String {
        if let Some(u) = &self.public_url {
            return u.trim_end_matches('/').to_owned();
        }
        let host = match self.listen.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        format!("http://{host}:{}", self.listen.port())
    }
}

/// Parses `100MiB`, `20MB`, `512KiB`, `5000000`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 100MiB, 20MB or 5000000"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" | "k" => 1000,
        "kib" => 1024,
        "mb" | "m" => 1000 * 1000,
        "mib" => 1024 * 1024,
        "gb" | "g" => 1000 * 1000 * 1000,
        "gib" => 1024 * 1024 * 1024,
        _ => {
            return Err(format!(
                "`{text}`: unknown size unit (use B, KB, KiB, MB, MiB, GB, GiB)"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// Parses `12h`, `90m`, `30s`, `2d`, or a number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 12h, 90m or 3600s"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return Err(format!("`{text}`: unknown unit (use s, m, h or d)")),
    };
    if secs == 0 {
        return Err("a duration must be positive".into());
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations() {
        assert_eq!(parse_size("100MiB").unwrap(), 100 * 1024 * 1024);
        assert_eq!(parse_size("20MB").unwrap(), 20_000_000);
        assert_eq!(parse_size("5000").unwrap(), 5000);
        assert!(parse_size("5 parsecs").is_err());
        assert_eq!(parse_duration("12h").unwrap(), Duration::from_secs(43200));
        assert_eq!(parse_duration("90m").unwrap(), Duration::from_secs(5400));
        assert!(parse_duration("0").is_err());
    }

    #[test]
    fn defaults() {
        let c = Config::default();
        assert_eq!(c.upload_limit, 100 * 1024 * 1024);
        assert_eq!(c.evidence_types.len(), 14);
        assert_eq!(c.cookie_name(), "chamdiem_session");
        assert_eq!(c.display_url(), "http://127.0.0.1:8080");
        assert!(c.database().ends_with("chamdiem.sqlite3"));
    }
}
