//! The chamdiem reference server.
//!
//! Run it with `cargo run -p chamdiem-server`: with no configuration it creates an embedded
//! SQLite database in `./data`, seeds the demo province and prints the URL and how to log in.
//! `--help` lists the configuration (every flag has a `CHAMDIEM_…` environment variable).

use chamdiem_server::config::{Cli, Command};
use chamdiem_server::{AppState, app, demo};
use clap::Parser;
use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_new(&cli.config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", chamdiem_server::app::openapi_json());
            Ok(())
        }
        Command::CreateAdmin {
            login,
            name,
            unit,
            unit_name,
        } => create_admin(cli.config, login, name, unit, unit_name).await,
        Command::Serve => serve(cli.config).await,
    }
}

async fn create_admin(
    config: chamdiem_server::Config,
    login: String,
    name: String,
    unit: String,
    unit_name: String,
) -> Result<(), Box<dyn std::error::Error>> {
    let password = match std::env::var("CHAMDIEM_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprintln!("Password for `{login}` (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let state = AppState::open(config)?;
    let u = unit.clone();
    let exists = state.store(move |s| Ok(s.unit(&u).is_ok())).await?;
    if !exists {
        chamdiem_server::admin::create_unit(
            &state,
            chamdiem_server::admin::NewUnit {
                id: unit.clone(),
                code: unit.clone(),
                name: unit_name,
                kind: "province".into(),
                parent: None,
            },
        )
        .await?;
        println!("Created the unit `{unit}` (province).");
    }
    let (user, _) = chamdiem_server::admin::create_user(
        &state,
        chamdiem_server::admin::NewUser {
            login,
            name,
            email: String::new(),
            phone: String::new(),
            role: "admin".into(),
            unit,
        },
        Some(password),
    )
    .await?;
    println!("Created the administrator `{}`.", user.login);
    Ok(())
}

async fn serve(config: chamdiem_server::Config) -> Result<(), Box<dyn std::error::Error>> {
    let no_demo = config.no_demo;
    let listen = config.listen;
    let state = AppState::open(config)?;
    tracing::info!(database = state.db.kind(), "database open");
    let created = if no_demo {
        false
    } else {
        demo::seed(&state).await?
    };
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let mut config = state.config.clone();
    config.listen = listener.local_addr()?;
    let url = config.display_url();
    let users = state
        .db
        .run(|db| db.read(chamdiem_server::db::users::list))
        .await?;
    if created || (!no_demo && users.iter().any(|u| u.login == "quantri")) {
        println!("{}", demo::banner(&url, created));
    } else {
        println!("\n  chamdiem — {url}\n");
        if users.is_empty() {
            println!(
                "  The database has no accounts. Create the first administrator:\n\n    \
                 CHAMDIEM_ADMIN_PASSWORD='…' chamdiem-server create-admin --login quantri\n\n  \
                 (with the same --data-dir / --database-url as the server), then log in at {url}/login\n"
            );
        }
    }
    println!(
        "  Listening on {url} (Ctrl-C or SIGTERM stops the server after the requests in flight)."
    );
    let sweeper = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(600));
            loop {
                tick.tick().await;
                let now = state.now().as_millis();
                let idle = state.config.session_idle.as_millis() as i64;
                let r = state
                    .db
                    .run(move |db| {
                        db.write(|tx| {
                            chamdiem_server::db::sessions::sweep(tx, now, idle)?;
                            chamdiem_server::db::throttle::sweep(
                                tx,
                                now - chamdiem_server::auth::throttle::FORGET_MS,
                            )
                        })
                    })
                    .await;
                if let Err(e) = r {
                    tracing::warn!(error = %e, "sweeping old sessions failed");
                }
                // Evidence files no dossier refers to (a crash between the store and the
                // record, a refused upload whose cleanup failed), once no upload could still
                // be writing them.
                let grace = 2 * 1000 * state.config.upload_timeout_secs as i64;
                if let Err(e) = chamdiem_server::evidence::sweep(&state, grace).await {
                    tracing::warn!(error = %e, "sweeping unreferenced evidence files failed");
                }
            }
        })
    };
    let router = app(state);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    sweeper.abort();
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
