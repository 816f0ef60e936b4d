//! The pages as plain HTML forms, without a script: the whole manual on one dossier (self-
//! scoring by group, the refused submit listing what is missing, the review, the explanation
//! and its filter, the results side by side, the history, the dashboard, the completed list,
//! the Excel exports and the print view), HTML escaping, and the language switch.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

const D: &str = "p1.A";

/// A form post as a browser sends it: urlencoded, with the CSRF field and the Origin.
fn form(s: &Session, uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    ser.append_pair("csrf", &s.csrf);
    for (k, v) in fields {
        ser.append_pair(k, v);
    }
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(header::COOKIE, s.cookie_header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(ser.finish()))
        .unwrap()
}

/// A page, which must be there.
async fn page(t: &TestApp, s: &Session, uri: &str) -> String {
    let r = t.send(s.req("GET", uri, None)).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("text/html"),
        "{uri}"
    );
    r.body
}

/// Posts a form that must redirect; the place it redirects to.
async fn post_ok(t: &TestApp, s: &Session, uri: &str, fields: &[(&str, &str)]) -> String {
    let r = t.send(form(s, uri, fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}: {}", r.body);
    r.header("location").unwrap()
}

fn dossier(t: &TestApp) -> chamdiem::Dossier {
    t.state.store.dossier(D).unwrap()
}

fn state(t: &TestApp) -> chamdiem::State {
    dossier(t).state()
}

const SCRIPT: &str = "<script>alert(1)</script>";

/// Whether a page shows `raw` as text: escaped (numeric or named references), never as markup.
fn shows_as_text(page: &str, raw: &str) -> bool {
    let numeric = raw.replace('<', "&#60;").replace('>', "&#62;");
    let named = raw.replace('<', "&lt;").replace('>', "&gt;");
    !page.contains(raw) && (page.contains(&numeric) || page.contains(&named))
}

#[tokio::test]
async fn the_whole_manual_through_plain_forms() {
    let t = fixture();
    let ua = t.login("ua").await;
    let rev = t.login("rev").await;
    let self_url = format!("/dossiers/{D}/self");

    // §4.1 Self-scoring: the group's criteria with their cases, the opinion, the evidence.
    let p = page(&t, &ua, &format!("{self_url}?group=1")).await;
    for label in [
        "Nhóm chỉ tiêu",
        "Ý kiến Cấp sở, CC",
        "Tải tài liệu",
        "Lưu",
        "Kế hoạch",
        "Báo cáo",
        "1- Tự đánh giá chấm điểm",
        "Đăng xuất",
    ] {
        assert!(p.contains(label), "the self-scoring page lacks {label:?}");
    }
    // "Lưu" saves the group: one criterion, with an opinion that is a script.
    let to = post_ok(
        &t,
        &ua,
        &self_url,
        &[
            ("group", "1"),
            ("item:1.1", "1"),
            ("case:1.1", "a"),
            ("opinion:1.1", SCRIPT),
            ("item:1.2", "1"),
            ("case:1.2", ""),
            ("opinion:1.2", ""),
        ],
    )
    .await;
    assert_eq!(to, format!("{self_url}?group=1&saved=1"));
    let e = dossier(&t).entry("1.1").cloned().unwrap();
    assert_eq!(e.self_opinion, SCRIPT);
    let p = page(&t, &ua, &to).await;
    assert!(shows_as_text(&p, SCRIPT), "the opinion is not escaped: {p}");

    // §4.2 Submit: without the tick, then with it but 1.2 unscored — refused, with links.
    let cmd = format!("/dossiers/{D}/command");
    let r = t.send(form(&ua, &cmd, &[("command", "submit")])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(state(&t), chamdiem::State::SelfAssessment);
    let r = t
        .send(form(&ua, &cmd, &[("command", "submit"), ("confirm", "1")]))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    assert!(r.body.contains("2.2 Huyện, Sở tự chấm xong"));
    assert!(r.body.contains("Chuyển sang trạng thái mới"));
    assert!(
        r.body
            .contains(&format!("href=\"/dossiers/{D}/self?group=1#")),
        "the missing criterion is not linked: {}",
        r.body
    );
    assert!(r.body.contains("1.2"));
    assert_eq!(state(&t), chamdiem::State::SelfAssessment);
    // The submit page shows the same before trying.
    let p = page(&t, &ua, &format!("/dossiers/{D}/submit")).await;
    assert!(p.contains(&format!("/dossiers/{D}/self?group=1#")));
    post_ok(
        &t,
        &ua,
        &self_url,
        &[("group", "1"), ("item:1.2", "1"), ("case:1.2", "a")],
    )
    .await;
    post_ok(&t, &ua, &cmd, &[("command", "submit"), ("confirm", "1")]).await;
    assert_eq!(state(&t), chamdiem::State::SelfAssessed);
    // Saving after submitting is refused, and the page says so.
    let r = t
        .send(form(
            &ua,
            &self_url,
            &[("group", "1"), ("item:1.1", "1"), ("case:1.1", "b")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // The reviewer: the list by state, the review page with the unit's values read-only.
    let list = page(&t, &rev, "/review").await;
    assert!(list.contains(D) || list.contains("Sở Alpha"), "{list}");
    let review_url = format!("/dossiers/{D}/review");
    let p = page(&t, &rev, &format!("{review_url}?group=1")).await;
    assert!(shows_as_text(&p, SCRIPT));
    assert!(p.contains("Tỉnh chấm điểm"));
    // Flags both criteria and scores them lower and equal.
    post_ok(
        &t,
        &rev,
        &review_url,
        &[
            ("group", "1"),
            ("item:1.1", "1"),
            ("rcase:1.1", "b"),
            ("ropinion:1.1", "Thiếu kế hoạch đã ký"),
            ("flag:1.1", "1"),
            ("note:1.1", "Bổ sung kế hoạch đã ký"),
            ("item:1.2", "1"),
            ("rcase:1.2", "a"),
            ("flag:1.2", "1"),
            ("note:1.2", "Nêu rõ ngày gửi báo cáo"),
        ],
    )
    .await;
    let d = dossier(&t);
    assert!(d.entry("1.1").unwrap().request.is_some());
    assert!(d.entry("1.2").unwrap().request.is_some());
    // Each command is confirmed first.
    let c = page(
        &t,
        &rev,
        &format!("/dossiers/{D}/confirm/request_explanation"),
    )
    .await;
    assert!(c.contains("Yêu cầu giải trình"));
    post_ok(&t, &rev, &cmd, &[("command", "request_explanation")]).await;
    assert_eq!(state(&t), chamdiem::State::ExplanationRequested);

    // §4.3 The explanation: the filter "Tỉnh yêu cầu giải trình" shows the flagged criteria.
    let ex = format!("/dossiers/{D}/explain");
    let p = page(&t, &ua, &format!("{ex}?filter=requested")).await;
    assert!(p.contains("Tỉnh yêu cầu giải trình") && p.contains("Áp dụng"));
    assert!(p.contains("Bổ sung kế hoạch đã ký") && p.contains("Nêu rõ ngày gửi báo cáo"));
    assert!(p.contains("Huyện, Sở đã giải trình xong"));
    // Finishing before ticking every criterion is refused.
    let r = t
        .send(form(
            &ua,
            &cmd,
            &[("command", "finish_explanation"), ("confirm", "1")],
        ))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    post_ok(
        &t,
        &ua,
        &ex,
        &[
            ("filter", "requested"),
            ("item:1.1", "1"),
            ("explanation:1.1", "Đã bổ sung kế hoạch số 12/KH"),
            ("explained:1.1", "1"),
            ("item:1.2", "1"),
            ("explanation:1.2", "Gửi ngày 15/01"),
            ("explained:1.2", "1"),
        ],
    )
    .await;
    post_ok(
        &t,
        &ua,
        &cmd,
        &[("command", "finish_explanation"), ("confirm", "1")],
    )
    .await;
    // The round is over: the explanations can no longer change.
    let r = t
        .send(form(
            &ua,
            &ex,
            &[("item:1.1", "1"), ("explanation:1.1", "Sửa lại")],
        ))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);

    // The reviewer finishes and archives.
    page(&t, &rev, &format!("/dossiers/{D}/confirm/finish_review")).await;
    post_ok(&t, &rev, &cmd, &[("command", "finish_review")]).await;
    assert_eq!(state(&t), chamdiem::State::Reviewed);
    page(&t, &rev, &format!("/dossiers/{D}/confirm/archive")).await;
    let to = post_ok(&t, &rev, &cmd, &[("command", "archive")]).await;
    assert!(to.starts_with(&format!("/dossiers/{D}/results")), "{to}");
    assert_eq!(state(&t), chamdiem::State::Completed);

    // §4.4 Results: both sides, the difference on 1.1 highlighted, the chart, the filter.
    for s in [&ua, &rev] {
        let p = page(&t, s, &format!("/dossiers/{D}/results")).await;
        assert!(p.contains("<svg"), "no chart");
        assert!(
            p.contains(" diff-down\"") && p.contains("▼"),
            "no highlighted difference: {p}"
        );
        assert!(p.contains("Kế hoạch") && p.contains("Báo cáo"));
        let g = page(&t, s, &format!("/dossiers/{D}/results?group=1")).await;
        assert!(g.contains("Kế hoạch"));
    }
    // The completed list links to the dossier's detail.
    let done = page(&t, &ua, "/completed").await;
    assert!(done.contains("Hồ sơ hoàn thành"));
    assert!(done.contains(&format!("href=\"/dossiers/{D}")), "{done}");
    // History: who did what, old and new values.
    let h = page(&t, &rev, &format!("/dossiers/{D}/history")).await;
    for who in ["ua", "rev"] {
        assert!(h.contains(who), "{who} is not in the history");
    }
    assert!(shows_as_text(&h, SCRIPT));
    // The dashboard of the period.
    let dash = page(&t, &rev, "/dashboard?period=p1").await;
    assert!(
        dash.contains("Sở Alpha") && dash.contains("Sở Beta"),
        "{dash}"
    );
    assert!(dash.contains(chamdiem::State::Completed.label_vi()));
    // Excel: the dossier and the period's ranking open as workbooks.
    for url in [
        format!("/dossiers/{D}/results.xlsx"),
        "/periods/p1/ranking.xlsx".to_owned(),
    ] {
        let r = t.send(rev.req("GET", &url, None)).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        assert!(
            r.header("content-disposition")
                .unwrap()
                .starts_with("attachment"),
            "{url}"
        );
        // The body through the router, as bytes.
        let bytes = raw_bytes(&t, &rev, &url).await;
        assert!(bytes.starts_with(b"PK\x03\x04"), "{url}: not a zip");
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheets = wb.sheet_names();
        assert!(!sheets.is_empty());
        let range = wb.worksheet_range(&sheets[0]).unwrap();
        let text: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
        assert!(
            text.iter()
                .any(|c| c.contains("Sở Alpha") || c.contains("Kế hoạch")),
            "{url}: {text:?}"
        );
    }
    // The print view: the results without the menus.
    let pr = page(&t, &ua, &format!("/dossiers/{D}/print")).await;
    assert!(pr.contains("Kế hoạch") && pr.contains("Sở Alpha"));
    assert!(!pr.contains("Đăng xuất"));
    assert!(!pr.contains(SCRIPT));

    // Logout ends the session.
    let to = post_ok(&t, &ua, "/logout", &[]).await;
    assert!(to.starts_with("/login"), "{to}");
    let r = t.send(ua.req("GET", &self_url, None)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

async fn raw_bytes(t: &TestApp, s: &Session, uri: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = s.req("GET", uri, None);
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [192, 0, 2, 10],
            40000,
        ))));
    let res = t.router.clone().oneshot(req).await.unwrap();
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn every_page_escapes_what_people_typed() {
    let t = fixture();
    let ua = t.login("ua").await;
    let rev = t.login("rev").await;
    // A name and an opinion with markup, through the account and the review.
    let r = t
        .send(form(
            &ua,
            "/account",
            &[
                ("name", "<b>Người</b> \"dùng\""),
                ("email", ""),
                ("phone", ""),
            ],
        ))
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    post_ok(
        &t,
        &ua,
        "/dossiers/p1.A/self",
        &[
            ("group", "1"),
            ("item:1.1", "1"),
            ("case:1.1", "a"),
            ("opinion:1.1", "\"><img src=x onerror=alert(1)>"),
        ],
    )
    .await;
    for url in [
        "/",
        "/dossiers/p1.A",
        "/dossiers/p1.A/self?group=1",
        "/dossiers/p1.A/history",
        "/dossiers/p1.A/results",
        "/dossiers/p1.A/print",
        "/account",
    ] {
        let p = page(&t, &ua, url).await;
        assert!(!p.contains("<img src=x"), "{url}");
        assert!(!p.contains("<b>Người</b>"), "{url}");
    }
    let p = page(&t, &rev, "/dossiers/p1.A/history").await;
    assert!(!p.contains("<img src=x"));
}

#[tokio::test]
async fn the_language_switch_goes_to_english_and_back() {
    let t = fixture();
    let ua = t.login("ua").await;
    let url = "/dossiers/p1.A/self?group=1";
    let vi = page(&t, &ua, url).await;
    assert!(vi.contains("<html lang=\"vi\""));
    assert!(vi.contains("Đăng xuất") && vi.contains(">Lưu<"));
    let switch = |lang: &'static str| {
        let r = form(&ua, "/language", &[("lang", lang), ("next", url)]);
        t.send(r)
    };
    let r = switch("en").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location").as_deref(), Some(url));
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("chamdiem_lang=en"))
        .expect("a language cookie");
    let with_lang = |c: &str| {
        let mut req = ua.req("GET", url, None);
        let both = format!("{}; {}", ua.cookie_header(), c.split(';').next().unwrap());
        req.headers_mut()
            .insert(header::COOKIE, both.parse().unwrap());
        t.send(req)
    };
    let en = with_lang(&cookie).await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.body.contains("<html lang=\"en\""));
    assert!(en.body.contains("Log out") && en.body.contains(">Save<"));
    assert!(!en.body.contains("Đăng xuất"));
    // The criteria themselves stay in the set's language.
    assert!(en.body.contains("Kế hoạch"));
    let r = switch("vi").await;
    let back = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("chamdiem_lang=vi"))
        .expect("a language cookie");
    let vi = with_lang(&back).await;
    assert!(vi.body.contains("<html lang=\"vi\"") && vi.body.contains("Đăng xuất"));
    // An unknown language is refused; the next page may not leave the site.
    let r = switch("fr").await;
    assert!(r.status.is_client_error());
    let r = t
        .send(form(
            &ua,
            "/language",
            &[("lang", "en"), ("next", "https://example.com/")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").unwrap().starts_with('/'));
    assert!(!r.header("location").unwrap().starts_with("//"));
}

#[tokio::test]
async fn return_for_rework_and_reopen_are_confirmed_and_need_what_they_need() {
    let t = fixture();
    let ua = t.login("ua").await;
    let rev = t.login("rev").await;
    let state_of = |id: &str| t.state.store.dossier(id).unwrap().state();
    // p2.A is self-assessed: "Trả lại" asks for a reason.
    let c = page(&t, &rev, "/dossiers/p2.A/confirm/return_for_rework").await;
    assert!(
        c.contains("Trả lại") && c.contains("name=\"reason\""),
        "{c}"
    );
    let r = t
        .send(form(
            &rev,
            "/dossiers/p2.A/command",
            &[("command", "return_for_rework"), ("reason", "  ")],
        ))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    assert_eq!(state_of("p2.A"), chamdiem::State::SelfAssessed);
    post_ok(
        &t,
        &rev,
        "/dossiers/p2.A/command",
        &[
            ("command", "return_for_rework"),
            ("reason", "Chấm lại nhóm 1"),
        ],
    )
    .await;
    assert_eq!(state_of("p2.A"), chamdiem::State::SelfAssessment);
    // p4.A is reviewed: "Mở lại" takes it back to the review.
    page(&t, &rev, "/dossiers/p4.A/confirm/reopen").await;
    post_ok(&t, &rev, "/dossiers/p4.A/command", &[("command", "reopen")]).await;
    assert_eq!(state_of("p4.A"), chamdiem::State::SelfAssessed);
    // A reviewer's command is not the unit's, nor is an unknown one anyone's.
    let r = t
        .send(ua.req("GET", "/dossiers/p1.A/confirm/archive", None))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .send(rev.req("GET", "/dossiers/p1.A/confirm/save_self", None))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A command that is not possible now says why, and changes nothing.
    let c = page(&t, &rev, "/dossiers/p1.A/confirm/archive").await;
    assert!(!c.contains("id=\"confirm-button\""), "{c}");
    let r = t
        .send(form(
            &rev,
            "/dossiers/p1.A/command",
            &[("command", "archive")],
        ))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    assert_eq!(state_of("p1.A"), chamdiem::State::SelfAssessment);
}
