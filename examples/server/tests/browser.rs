//! The manual, end to end, in headless Chromium driven through chromedriver (WebDriver) by
//! fantoccini: the server runs in this process on an ephemeral port over a temporary SQLite
//! file, so the walk-through is one `cargo test` like every other test, and what the browser
//! did can be checked in the store directly.
//!
//! A unit logs in, scores every group choosing cases (one group with the keyboard alone,
//! watching the live totals change before "Lưu"), uploads several files with one over the
//! limit refused, meets the submit guard listing what is missing, finishes and submits; the
//! province flags two criteria and requests an explanation; the unit filters, explains, ticks
//! and finishes; the province finishes and archives; both see the results side by side; they
//! log out. On the way: the self-scoring page at 360 px wide (no horizontal scroll), and the
//! language switched to English and back. Every screen is saved as a PNG in
//! `CHAMDIEM_SCREENSHOTS` (or a temporary folder, printed).
//!
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install chromium chromium-driver`);
//! `CHAMDIEM_CHROMIUM` / `CHAMDIEM_CHROMEDRIVER` name other binaries. Without them the test
//! prints SKIPPED and passes — except when `CI=true`, where it fails.

mod common;

use chamdiem::{Actor, CriteriaSet, Period, PeriodSet, Role, SetRef, UnitKind};
use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DOSSIER: &str = "2026.STP";
/// The per-file limit of this test's server, so one of the files is over it.
const LIMIT: u64 = 64 * 1024;

const SET: &str = r#"
id = "thu"
name = "Bộ chỉ tiêu thử nghiệm"
[[band]]
label = "Tốt"
min_percent = 80
[[band]]
label = "Khá"
min_percent = 65
[[band]]
label = "Trung bình"
min_percent = 0
[[group]]
code = "1"
title = "Công tác chỉ đạo, điều hành"
[[group]]
code = "2"
title = "Thực hiện nhiệm vụ"
[[group]]
code = "3"
title = "Thông tin, báo cáo"
[[criterion]]
code = "1.1"
group = "1"
title = "Ban hành kế hoạch cải cách hành chính"
guidance = "Kế hoạch ban hành trước ngày 31/01."
cases = [ { code = "a", label = "Ban hành đúng hạn", points = 10 }, { code = "b", label = "Ban hành chậm", points = 5 }, { code = "c", label = "Không ban hành", points = 0 } ]
[[criterion]]
code = "1.2"
group = "1"
title = "Kiểm tra việc thực hiện"
cases = [ { code = "a", label = "Đủ số lần", points = 6 }, { code = "b", label = "Không đủ", points = 0 } ]
[[criterion]]
code = "2.1"
group = "2"
title = "Giải quyết thủ tục hành chính đúng hạn"
cases = [ { code = "a", label = "Trên 95%", points = 8 }, { code = "b", label = "Từ 80% đến 95%", points = 4 }, { code = "c", label = "Dưới 80%", points = 0 } ]
[[criterion]]
code = "2.2"
group = "2"
title = "Tiếp nhận hồ sơ trực tuyến"
cases = [ { code = "a", label = "Có", points = 4 }, { code = "b", label = "Không", points = 0 } ]
[[criterion]]
code = "3.1"
group = "3"
title = "Báo cáo định kỳ đúng hạn"
cases = [ { code = "a", label = "Đủ, đúng hạn", points = 6 }, { code = "b", label = "Chậm", points = 2 } ]
"#;

fn binary(env: &str, default: &str) -> Option<PathBuf> {
    let p = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    p.is_file().then_some(p)
}

/// A server over a temporary SQLite file: a province, a department with its dossier of
/// 2026, a unit user and a reviewer. Its address.
async fn serve(dir: &Path) -> (TestApp, SocketAddr) {
    let mut c = config();
    let db_path = dir.join("chamdiem.sqlite3");
    c.database_url = Some(db_path.to_string_lossy().into_owned());
    c.evidence_store = None;
    c.evidence_dir = Some(dir.join("evidence"));
    c.upload_limit = LIMIT;
    let db = chamdiem_server::db::Db::open(&db_path.to_string_lossy()).unwrap();
    let t = with_db(c, db);
    let s = t.state.store.clone();
    let set = CriteriaSet::from_compact(SET).unwrap();
    s.insert_criteria_set(&set).unwrap();
    s.insert_unit(&unit(
        "TINH",
        "Ủy ban nhân dân tỉnh",
        UnitKind::Province,
        None,
    ))
    .unwrap();
    s.insert_unit(&unit(
        "STP",
        "Sở Tư pháp",
        UnitKind::Department,
        Some("TINH"),
    ))
    .unwrap();
    let period = Period::new(
        "2026",
        "Kỳ đánh giá năm 2026",
        "TINH",
        vec![PeriodSet {
            unit_kind: UnitKind::Department,
            criteria_set: SetRef {
                id: "thu".into(),
                revision: 1,
            },
        }],
    );
    s.insert_period(&period).unwrap();
    let admin = Actor::new("adm", Role::Admin, "TINH");
    let d = period
        .open_dossier(DOSSIER, &s.unit("STP").unwrap(), &set, &admin, start())
        .unwrap();
    s.insert_dossier(&d).unwrap();
    t.add_user("sotuphap", Role::Unit, "STP");
    t.add_user("tinh", Role::Reviewer, "TINH");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = chamdiem_server::app(t.state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (t, addr)
}

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    _child: tokio::process::Child,
    url: String,
}

async fn start_driver(chromedriver: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = tokio::process::Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    // It listens once it is ready.
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Driver {
                _child: child,
                url: format!("http://127.0.0.1:{port}"),
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not listen on port {port}");
}

/// The browser, the server's address and where the screenshots go.
struct Walk {
    c: Client,
    base: String,
    shots: PathBuf,
    n: usize,
    t: TestApp,
}

impl Walk {
    async fn goto(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.until("the page loaded", "document.readyState === 'complete'")
            .await;
    }

    /// Runs a script's expression and returns its value.
    async fn js(&self, expr: &str) -> Value {
        self.c
            .execute(&format!("return ({expr});"), vec![])
            .await
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    /// Waits (30 s at most) until a script's expression is true.
    async fn until(&self, what: &str, expr: &str) {
        for _ in 0..300 {
            let v = self.c.execute(&format!("return !!({expr});"), vec![]).await;
            if matches!(v, Ok(Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self.c.current_url().await.map(|u| u.to_string());
        let text = self
            .js("document.body ? document.body.innerText : ''")
            .await;
        panic!("waited in vain for {what} ({expr}) at {url:?}:\n{text}");
    }

    /// Waits for a navigation to a URL whose path and query contain `part`.
    async fn until_at(&self, part: &str) {
        self.until(
            &format!("the address {part}"),
            &format!(
                "(location.pathname + location.search).includes({}) && document.readyState === 'complete'",
                json!(part)
            ),
        )
        .await;
    }

    /// Clicks an element, first scrolled to the middle of the screen (as a person would: the
    /// sticky "Lưu" bar may cover the bottom of the screen).
    async fn click(&self, css: &str) {
        let e = self
            .c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        self.center(&e).await;
        e.click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    async fn center(&self, e: &fantoccini::elements::Element) {
        self.c
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(e).unwrap()],
            )
            .await
            .unwrap();
    }

    async fn link(&self, text: &str) {
        let e = self
            .c
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("link {text:?}: {e}"));
        self.center(&e).await;
        e.click().await.unwrap();
    }

    async fn type_in(&self, css: &str, text: &str) {
        let e = self.c.find(Locator::Css(css)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    async fn select(&self, css: &str, value: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    async fn text(&self) -> String {
        self.js("document.body.innerText")
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Saves a screenshot of the screen.
    async fn shot(&mut self, name: &str) {
        self.n += 1;
        let png = self.c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.n)), png).unwrap();
    }

    async fn login(&mut self, login: &str, shot: Option<&str>) {
        self.goto("/login").await;
        self.type_in("#login", login).await;
        self.type_in("#password", PASSWORD).await;
        if let Some(name) = shot {
            self.shot(name).await;
        }
        self.click("form[action='/login'] button[type=submit]")
            .await;
        self.until("the home page", "location.pathname === '/'")
            .await;
    }

    async fn logout(&mut self) {
        self.click("details.account > summary").await;
        self.click("form[action='/logout'] button").await;
        self.until("the login page", "location.pathname === '/login'")
            .await;
        assert!(self.text().await.contains("Đăng nhập"));
    }

    /// Chooses the first case of every empty drop-down named `prefix:…` on the page.
    async fn choose_all(&self, prefix: &str) {
        let selects = self
            .c
            .find_all(Locator::Css(&format!("select[name^='{prefix}:']")))
            .await
            .unwrap();
        for s in selects {
            if s.prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
                .is_empty()
            {
                s.select_by_index(1).await.unwrap();
            }
        }
    }

    fn dossier(&self) -> chamdiem::Dossier {
        self.t.state.store.dossier(DOSSIER).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manual_end_to_end_in_chromium() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let chromium = binary("CHAMDIEM_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = binary("CHAMDIEM_CHROMEDRIVER", "/usr/bin/chromedriver");
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let msg = "chromium or chromedriver is missing (apt-get install chromium chromium-driver, \
                   or set CHAMDIEM_CHROMIUM and CHAMDIEM_CHROMEDRIVER)";
        if ci {
            panic!("CI=true and {msg}");
        }
        println!("SKIPPED the browser walk-through: {msg}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let shots = match std::env::var_os("CHAMDIEM_SCREENSHOTS") {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("chamdiem-screenshots-{}", std::process::id())),
    };
    std::fs::create_dir_all(&shots).unwrap();
    let (t, addr) = serve(dir.path()).await;
    let driver = start_driver(&chromedriver).await;
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=vi",
                format!("--user-data-dir={}", profile.path().display()),
                "--window-size=1280,900",
            ],
        }),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session");
    let mut w = Walk {
        c,
        base: format!("http://{addr}"),
        shots: shots.clone(),
        n: 0,
        t,
    };
    let outcome = walk(&mut w, dir.path()).await;
    let _ = w.c.clone().close().await;
    drop(driver);
    println!("screenshots in {}", shots.display());
    outcome.unwrap();
}

/// The walk-through; the browser is closed by the caller whatever happens.
async fn walk(w: &mut Walk, dir: &Path) -> Result<(), String> {
    // ---- The unit logs in and opens "1- Tự đánh giá chấm điểm" → "Vào tự chấm điểm".
    w.login("sotuphap", Some("login")).await;
    w.shot("home").await;
    w.click("details.sub > summary").await;
    w.link("Vào tự chấm điểm").await;
    w.until_at(&format!("/dossiers/{DOSSIER}/self")).await;
    let page = w.text().await;
    for label in [
        "Nhóm chỉ tiêu",
        "Ý kiến Cấp sở, CC",
        "Lưu",
        "Ban hành kế hoạch",
    ] {
        assert!(page.contains(label), "{label}");
    }
    w.shot("self-scoring").await;

    // The page at 360 px: nothing wider than the screen.
    w.c.set_window_size(360, 780).await.unwrap();
    w.until("the narrow layout", "window.innerWidth <= 400")
        .await;
    let wide = w
        .js("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        .await;
    assert!(
        wide[0].as_u64() <= wide[1].as_u64(),
        "horizontal scroll at 360 px: {wide}"
    );
    w.shot("self-scoring-360px").await;
    w.c.set_window_size(1280, 900).await.unwrap();

    // ---- Group 1: the live totals follow the cases before "Lưu".
    if chamdiem_server::web::assets::has_package() {
        w.until(
            "the live totals",
            "document.getElementById('live')?.dataset.ready === 'true'",
        )
        .await;
        let before = w.js("document.getElementById('total-points').value").await;
        w.select("select[name='case:1.1']", "a").await;
        w.until(
            "the dossier total to follow the case",
            &format!(
                "document.getElementById('total-points').value !== {before} && \
                 document.querySelector(\"output[data-points='1.1']\").value === '10'"
            ),
        )
        .await;
        assert!(
            w.dossier()
                .entry("1.1")
                .is_none_or(|e| e.self_score.is_none()),
            "nothing is saved before Lưu"
        );
        w.shot("live-totals").await;
    } else {
        // The bundle is committed (bindings-wasm/dist), so a build without it is a broken
        // checkout under CI; elsewhere the pages work without it and the walk goes on.
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "CI=true and this build carries no WASM bundle (bindings-wasm/dist)"
        );
        println!("live totals not checked: this build carries no WASM bundle");
        w.select("select[name='case:1.1']", "a").await;
    }
    w.select("select[name='case:1.2']", "a").await;
    w.type_in(
        "textarea[name='opinion:1.1']",
        "Kế hoạch số 12/KH-STP ngày 15/01/2026",
    )
    .await;
    w.click("#save-button").await;
    w.until_at("saved=1").await;
    assert!(w.dossier().entry("1.2").unwrap().self_score.is_some());

    // ---- Evidence: "Tải tài liệu" → "Thêm File" (three at once, one too large) → "Tải lên".
    let files = dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let pdf = |name: &str, len: usize| {
        let mut v = b"%PDF-1.4\n%chamdiem\n".to_vec();
        v.resize(len, b'x');
        let p = files.join(name);
        std::fs::write(&p, v).unwrap();
        p
    };
    let small = pdf("Kế hoạch CCHC 2026.pdf", 3_000);
    let other = pdf("Biên bản kiểm tra.pdf", 5_000);
    let big = pdf("Toàn bộ hồ sơ quét.pdf", LIMIT as usize + 1);
    w.click("button[data-open-upload='1.1']").await;
    w.until(
        "the upload dialog",
        "document.getElementById('upload-dialog').open",
    )
    .await;
    let paths: Vec<String> = [&small, &other, &big]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    w.c.find(Locator::Id("upload-input"))
        .await
        .unwrap()
        .send_keys(&paths.join("\n"))
        .await
        .unwrap();
    w.until(
        "three files listed",
        "document.querySelectorAll('#upload-list li').length === 3",
    )
    .await;
    let refused = w
        .js("document.querySelector('#upload-list li.error')?.innerText ?? ''")
        .await;
    assert!(
        refused
            .as_str()
            .unwrap()
            .contains("vượt quá dung lượng cho phép"),
        "{refused}"
    );
    w.shot("upload-chosen").await;
    w.click("#upload-start").await;
    w.until(
        "two files uploaded",
        "document.querySelectorAll('#upload-list li.done').length === 2",
    )
    .await;
    w.shot("upload-done").await;
    w.click("#upload-close").await;
    let names: Vec<String> = w
        .dossier()
        .entry("1.1")
        .unwrap()
        .evidence
        .iter()
        .map(|e| e.file_name.clone())
        .collect();
    assert_eq!(
        names,
        vec!["Kế hoạch CCHC 2026.pdf", "Biên bản kiểm tra.pdf"],
        "the file over the limit is not kept"
    );
    let stored = std::fs::read_dir(dir.join("evidence")).unwrap().count();
    assert_eq!(stored, 2, "two files in the store, nothing else");

    // ---- Group 2 with the keyboard alone: Tab to each drop-down, ↓ to choose, Enter on Lưu.
    w.link("Nhóm tiếp theo").await;
    w.until_at("group=2").await;
    let mut saved = false;
    for _ in 0..400 {
        let a = w.c.active_element().await.unwrap();
        a.send_keys("\u{e004}").await.unwrap(); // Tab
        let now = w
            .js("[document.activeElement.id, document.activeElement.name || '', document.activeElement.value || '']")
            .await;
        let (id, name, value) = (
            now[0].as_str().unwrap_or_default(),
            now[1].as_str().unwrap_or_default(),
            now[2].as_str().unwrap_or_default(),
        );
        if name.starts_with("case:") && value.is_empty() {
            let a = w.c.active_element().await.unwrap();
            a.send_keys("\u{e015}").await.unwrap(); // ↓
            let v = w.js("document.activeElement.value").await;
            assert_ne!(v, json!(""), "↓ chose no case in {name}");
        } else if id == "save-button" {
            w.shot("keyboard-save").await;
            let a = w.c.active_element().await.unwrap();
            a.send_keys("\u{e007}").await.unwrap(); // Enter
            saved = true;
            break;
        }
    }
    assert!(saved, "Lưu was never reached with Tab");
    w.until_at("saved=1").await;
    let d = w.dossier();
    assert!(d.entry("2.1").unwrap().self_score.is_some());
    assert!(d.entry("2.2").unwrap().self_score.is_some());

    // ---- "Chuyển chấm hoàn thành" with group 3 unscored: refused, the missing one linked.
    w.click("details.sub > summary").await;
    w.link("Chuyển chấm hoàn thành").await;
    w.until_at(&format!("/dossiers/{DOSSIER}/submit")).await;
    w.click("#submit-confirm").await;
    w.click("#submit-button").await;
    w.until(
        "the refusal listing 3.1",
        "document.querySelector(\"a[href*='self?group=3']\")",
    )
    .await;
    assert_eq!(w.dossier().state(), chamdiem::State::SelfAssessment);
    w.shot("submit-refused").await;
    w.click("a[href*='self?group=3']").await;
    w.until_at("group=3").await;
    w.choose_all("case").await;
    w.click("#save-button").await;
    w.until_at("saved=1").await;
    w.click("details.sub > summary").await;
    w.link("Chuyển chấm hoàn thành").await;
    w.until_at(&format!("/dossiers/{DOSSIER}/submit")).await;
    w.shot("submit").await;
    w.click("#submit-confirm").await;
    w.click("#submit-button").await;
    w.until_at("done=submit").await;
    assert_eq!(w.dossier().state(), chamdiem::State::SelfAssessed);
    w.shot("submitted").await;

    // ---- The language: English and back.
    w.click("form.lang button[value=en]").await;
    w.until("English", "document.documentElement.lang === 'en'")
        .await;
    assert!(w.text().await.contains("1- Self-assessment"));
    w.shot("english").await;
    w.click("form.lang button[value=vi]").await;
    w.until("Vietnamese", "document.documentElement.lang === 'vi'")
        .await;
    assert!(w.text().await.contains("1- Tự đánh giá chấm điểm"));
    w.logout().await;

    // ---- The province: the list by state, the review, two criteria flagged.
    w.login("tinh", None).await;
    w.link("Tỉnh chấm điểm").await;
    w.until_at("/review").await;
    w.shot("review-list").await;
    w.link("Sở Tư pháp").await;
    w.until_at(&format!("/dossiers/{DOSSIER}/review")).await;
    w.select("select[name='rcase:1.1']", "b").await;
    w.select("select[name='rcase:1.2']", "a").await;
    w.type_in(
        "textarea[name='ropinion:1.1']",
        "Kế hoạch ban hành ngày 05/02",
    )
    .await;
    w.click("input[name='flag:1.1']").await;
    w.type_in(
        "textarea[name='note:1.1']",
        "Đề nghị gửi kế hoạch có chữ ký, số hiệu",
    )
    .await;
    w.click("input[name='flag:1.2']").await;
    w.type_in("textarea[name='note:1.2']", "Bổ sung biên bản kiểm tra")
        .await;
    w.js("document.getElementById('c-1.1').scrollIntoView({block: 'start'}) ?? true")
        .await;
    w.shot("review").await;
    w.click("#save-button").await;
    w.until_at("saved=1").await;
    for g in ["2", "3"] {
        w.goto(&format!("/dossiers/{DOSSIER}/review?group={g}"))
            .await;
        w.choose_all("rcase").await;
        w.click("#save-button").await;
        w.until_at("saved=1").await;
    }
    w.goto(&format!("/dossiers/{DOSSIER}/confirm/request_explanation"))
        .await;
    w.shot("confirm-request-explanation").await;
    w.click("#confirm-button").await;
    w.until_at("done=request_explanation").await;
    assert_eq!(w.dossier().state(), chamdiem::State::ExplanationRequested);
    w.logout().await;

    // ---- The unit: "Giải trình theo hồ sơ YC tỉnh", filtered, explained, ticked, finished.
    w.login("sotuphap", None).await;
    let menus =
        w.c.find_all(Locator::Css("details.sub > summary"))
            .await
            .unwrap();
    menus[1].click().await.unwrap();
    w.link("Giải trình theo hồ sơ YC tỉnh").await;
    w.until_at(&format!("/dossiers/{DOSSIER}/explain")).await;
    w.select("#filter", "requested").await;
    w.click("form.filter button[type=submit]").await;
    w.until_at("filter=requested").await;
    let shown = w
        .js("document.querySelectorAll('article.criterion').length")
        .await;
    assert_eq!(shown, json!(2), "the filter shows the two flagged criteria");
    w.type_in(
        "textarea[name='explanation:1.1']",
        "Đã gửi kế hoạch số 12/KH-STP có chữ ký",
    )
    .await;
    w.click("input[name='explained:1.1']").await;
    w.type_in("textarea[name='explanation:1.2']", "Đã bổ sung biên bản")
        .await;
    w.click("input[name='explained:1.2']").await;
    w.shot("explain").await;
    w.click("#save-button").await;
    w.until_at("saved=1").await;
    w.click("#finish-confirm").await;
    w.click("#finish-button").await;
    w.until_at("done=finish_explanation").await;
    w.shot("explained").await;
    w.logout().await;

    // ---- The province finishes and archives (each confirmed), then looks around.
    w.login("tinh", None).await;
    w.goto(&format!("/dossiers/{DOSSIER}/confirm/finish_review"))
        .await;
    w.click("#confirm-button").await;
    w.until_at("done=finish_review").await;
    w.goto(&format!("/dossiers/{DOSSIER}/confirm/archive"))
        .await;
    w.shot("confirm-archive").await;
    w.click("#confirm-button").await;
    w.until_at("done=archive").await;
    assert_eq!(w.dossier().state(), chamdiem::State::Completed);
    side_by_side(w).await;
    w.shot("results-province").await;
    w.goto(&format!("/dossiers/{DOSSIER}/history")).await;
    assert!(w.text().await.contains("sotuphap"));
    w.shot("history").await;
    w.link("Tổng hợp kỳ đánh giá").await;
    w.until_at("/dashboard").await;
    assert!(w.text().await.contains("Sở Tư pháp"));
    w.shot("dashboard").await;
    w.logout().await;

    // ---- The unit: "3. Kết quả đánh giá", "Hồ sơ hoàn thành", then out.
    w.login("sotuphap", None).await;
    w.link("Hồ sơ hoàn thành").await;
    w.until_at("/completed").await;
    w.shot("completed").await;
    w.link("3. Kết quả đánh giá").await;
    w.until_at("/results").await;
    w.goto(&format!("/dossiers/{DOSSIER}/results")).await;
    side_by_side(w).await;
    w.js("document.querySelector('table.results').scrollIntoView({block: 'start'}) ?? true")
        .await;
    w.shot("results-unit").await;
    w.goto(&format!("/dossiers/{DOSSIER}/print")).await;
    w.shot("print").await;
    w.goto("/").await;
    w.logout().await;
    w.goto(&format!("/dossiers/{DOSSIER}/self")).await;
    w.until_at("/login").await;
    Ok(())
}

/// The results page: self and review side by side, 1.1's difference highlighted, the chart.
async fn side_by_side(w: &Walk) {
    w.until_at(&format!("/dossiers/{DOSSIER}/results")).await;
    let text = w.text().await;
    assert!(text.contains("Ban hành kế hoạch cải cách hành chính"));
    let diff = w
        .js("document.querySelectorAll('tr.crit-row.diff-down').length")
        .await;
    assert_eq!(diff, json!(1), "one criterion scored lower by the province");
    let chart = w.js("document.querySelectorAll('svg').length").await;
    assert!(chart.as_u64().unwrap() >= 1, "the chart");
}
