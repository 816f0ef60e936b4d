//! Scale-out, for real: two server processes on two ports share one PostgreSQL database (a
//! throwaway cluster of their own) and one S3-compatible object store (moto's server mode,
//! installed from PyPI by `scripts/s3.sh`). A user logs in on one and continues on the other;
//! the same dossier edited through both at once ends in one version and a `version_conflict`;
//! evidence uploaded through one downloads whole through the other. And when PostgreSQL or
//! the object store goes away for a moment, the server answers 503 with a clear code and
//! message, changes nothing, and recovers by itself when they come back.
//!
//! The binary must be built with the `s3` feature (the test command does); without it the
//! test fails under `CI=true` and says SKIPPED otherwise.

mod process;

#[cfg(feature = "s3")]
mod with_s3 {
    use super::process::{
        Postgres, Proxy, S3, Server, get, http, login, login_with, multipart, send_json, wait_for,
    };
    use chamdiem::criteria::CriterionKind;
    use chamdiem::store::{PostgresStore, Store};
    use serde_json::{Value, json};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    const BUCKET: &str = "chamdiem";
    const DOSSIER: &str = "2026.H-LN";

    /// The environment that points an instance at the S3 server (or a proxy in front of it).
    fn aws_env(endpoint: &str) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT", endpoint.to_owned()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_ACCESS_KEY_ID", "chamdiem-test".into()),
            ("AWS_SECRET_ACCESS_KEY", "chamdiem-test-secret".into()),
            ("AWS_REGION", "us-east-1".into()),
        ]
    }

    /// An instance on the shared database and object store; its data folder is its own (it
    /// holds nothing shared).
    fn instance(db_url: &str, endpoint: &str, data: &std::path::Path) -> Server {
        let env = aws_env(endpoint);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let store = format!("s3://{BUCKET}/evidence");
        let server = Server::start(
            &[
                "--log",
                "warn",
                "--database-url",
                db_url,
                "--evidence-store",
                &store,
                "--data-dir",
                data.to_str().unwrap(),
            ],
            &env,
        );
        let ready = wait_for(Duration::from_secs(60), || {
            get(&server.addr, "/readyz", "").status == 200
        });
        assert!(ready, "{} never became ready", server.addr);
        server
    }

    /// Two choice criteria of the district set with their first two cases.
    fn choice_criteria() -> Vec<(String, [String; 2])> {
        let set = chamdiem::CriteriaSet::from_compact(chamdiem_server::demo::CCHC_SET).unwrap();
        set.criteria()
            .iter()
            .map(|n| &n.criterion)
            .filter(|c| c.kind == CriterionKind::Choice && c.cases.len() >= 2)
            .map(|c| {
                (
                    c.code.clone(),
                    [c.cases[0].code.clone(), c.cases[1].code.clone()],
                )
            })
            .take(4)
            .collect()
    }

    fn version(addr: &str, auth: &str) -> u64 {
        let r = get(addr, &format!("/api/v1/dossiers/{DOSSIER}"), auth);
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["view"]["dossier"]["version"]
            .as_u64()
            .unwrap_or_else(|| panic!("no version in {}", r.text()))
    }

    fn save(
        addr: &str,
        auth: &str,
        base: u64,
        criterion: &str,
        case: &str,
        opinion: &str,
    ) -> Value {
        let r = send_json(
            addr,
            "POST",
            &format!("/api/v1/dossiers/{DOSSIER}/commands"),
            auth,
            &json!({"type": "save_self", "base_version": base, "entries": [
                {"criterion": criterion, "case": case, "opinion": opinion}
            ]}),
        );
        json!({"status": r.status, "body": r.json()})
    }

    fn upload(addr: &str, auth: &str, criterion: &str, name: &str, content: &[u8]) -> (u16, Value) {
        let (ct, body) = multipart(name, content);
        let r = http(
            addr,
            "POST",
            &format!("/api/v1/dossiers/{DOSSIER}/evidence?criterion={criterion}"),
            &format!("{auth}{ct}"),
            &body,
        )
        .expect("the server answers");
        (r.status, r.json())
    }

    fn pdf(n: usize, fill: u8) -> Vec<u8> {
        let mut f = b"%PDF-1.4\n%chamdiem\n".to_vec();
        f.resize(n, fill);
        f
    }

    /// Every evidence file a dossier records is an object of the bucket, of its size.
    fn records_point_at_objects(store: &PostgresStore, s3: &S3) -> usize {
        let objects = s3.objects(BUCKET);
        let mut n = 0;
        for summary in store.dossiers(&Default::default()).unwrap() {
            let d = store.dossier_state(&summary.id).unwrap();
            for e in d.entries() {
                for ev in &e.evidence {
                    let key = format!("evidence/{}", ev.id);
                    let found = objects.iter().find(|(k, _)| *k == key);
                    assert_eq!(
                        found.map(|(_, s)| *s),
                        Some(ev.size),
                        "{} records {}: {objects:?}",
                        d.id(),
                        ev.id
                    );
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn two_instances_share_one_database_and_one_object_store() {
        let test = "two_instances_share_one_database_and_one_object_store";
        let Some(pg) = Postgres::start(test) else {
            return;
        };
        let Some(s3) = S3::start(test) else { return };
        s3.create_bucket(BUCKET);
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        // The first seeds the demo province; the second finds it there.
        let a = instance(&pg.url, &s3.endpoint, dirs[0].path());
        let b = instance(&pg.url, &s3.endpoint, dirs[1].path());
        let store = PostgresStore::open(&pg.url).unwrap();

        // Logged in on one, the same session works on the other, and ends on both.
        let auth = login(&a.addr, "hln");
        let me = get(&b.addr, "/api/v1/me", &auth);
        assert_eq!(me.status, 200, "{}", me.text());
        assert_eq!(me.json()["user"]["login"], "hln", "{}", me.text());

        // A second officer of the same unit, created by the administrator on the second
        // instance, sets a password on the first.
        let admin = login(&b.addr, "quantri");
        let r = send_json(
            &b.addr,
            "POST",
            "/api/v1/admin/users",
            &admin,
            &json!({"login": "hln2", "name": "Trần Văn Hai", "email": "", "phone": "",
                    "role": "unit", "unit": "H-LN"}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let temporary = r.json()["temporary_password"].as_str().unwrap().to_owned();
        let auth2 = login_with(&a.addr, "hln2", &temporary);
        let r = send_json(
            &a.addr,
            "POST",
            "/api/v1/me/password",
            &auth2,
            &json!({"current_password": temporary, "new_password": "mật khẩu mới của Hai 2026"}),
        );
        assert!(r.status == 200 || r.status == 204, "{}", r.text());
        let auths = [auth.clone(), auth2.clone()];

        // The same entry of the same dossier saved by the two officers at once, one through
        // each instance, both from the same loaded version: one lands, the other is a
        // version_conflict, and what is stored is exactly the winner's.
        let criteria = choice_criteria();
        assert!(criteria.len() >= 2, "{criteria:?}");
        let (code, cases) = &criteria[0];
        let mut conflicts = 0;
        for round in 0..12u64 {
            let base = version(&a.addr, &auth);
            let barrier = Arc::new(Barrier::new(2));
            let threads: Vec<_> = [&a.addr, &b.addr]
                .into_iter()
                .enumerate()
                .map(|(i, addr)| {
                    let (addr, auth, barrier) = (addr.clone(), auths[i].clone(), barrier.clone());
                    let (code, case) = (code.clone(), cases[i].clone());
                    std::thread::spawn(move || {
                        let opinion = format!("vòng {round} qua máy {i}");
                        barrier.wait();
                        (i, save(&addr, &auth, base, &code, &case, &opinion))
                    })
                })
                .collect();
            let answers: Vec<(usize, Value)> =
                threads.into_iter().map(|t| t.join().unwrap()).collect();
            let won: Vec<_> = answers.iter().filter(|(_, r)| r["status"] == 200).collect();
            let lost: Vec<_> = answers.iter().filter(|(_, r)| r["status"] != 200).collect();
            assert_eq!(won.len(), 1, "round {round}: {answers:?}");
            assert_eq!(lost[0].1["status"], 409, "round {round}: {answers:?}");
            assert_eq!(
                lost[0].1["body"]["code"], "version_conflict",
                "round {round}: {answers:?}"
            );
            conflicts += 1;
            let winner = won[0].0;
            let d = store.dossier(DOSSIER).unwrap();
            assert_eq!(d.version(), base + 1, "round {round}: one version");
            let e = d.entry(code).unwrap();
            assert_eq!(
                e.self_opinion,
                format!("vòng {round} qua máy {winner}"),
                "round {round}"
            );
            assert_eq!(
                e.self_score,
                Some(chamdiem::Score::Case(cases[winner].clone())),
                "round {round}"
            );
        }
        assert_eq!(conflicts, 12);
        let d = store.dossier(DOSSIER).unwrap();
        assert_eq!(
            d.history().len() as u64,
            d.version(),
            "one event per version"
        );
        assert_eq!(chamdiem::Dossier::replay(d.history().to_vec()).unwrap(), d);

        // Evidence uploaded through one instance is one object, and downloads whole through
        // the other.
        let content = pdf(300_000, b'a');
        let (status, body) = upload(&a.addr, &auth, &criteria[1].0, "biên bản.pdf", &content);
        assert_eq!(status, 201, "{body}");
        let url = body["files"][0]["url"].as_str().unwrap();
        let down = get(&b.addr, &format!("/api/v1{url}"), &auth);
        assert_eq!(down.status, 200, "{}", down.text());
        assert!(down.body == content, "the download differs from the upload");
        let recorded = records_point_at_objects(&store, &s3);
        assert_eq!(
            recorded,
            s3.objects(BUCKET).len(),
            "one object per record, no orphan"
        );

        // Removed through the second, it is gone from the store for both.
        let id = body["files"][0]["id"].as_str().unwrap();
        let r = http(&b.addr, "DELETE", &format!("/api/v1{url}"), &auth, b"").unwrap();
        assert!(
            r.status == 200 || r.status == 204,
            "{} {}",
            r.status,
            r.text()
        );
        assert_eq!(get(&a.addr, &format!("/api/v1{url}"), &auth).status, 404);
        assert!(
            !s3.objects(BUCKET).iter().any(|(k, _)| k.ends_with(id)),
            "the removed file's object is gone"
        );

        // Logged out on the second, the session is over on the first too.
        let r = send_json(&b.addr, "POST", "/api/v1/auth/logout", &auth, &json!({}));
        assert!(r.status == 200 || r.status == 204, "{}", r.text());
        assert_eq!(get(&a.addr, "/api/v1/me", &auth).status, 401);
    }

    #[test]
    fn the_database_or_the_object_store_going_away_is_a_503_then_recovers() {
        let test = "the_database_or_the_object_store_going_away_is_a_503_then_recovers";
        let Some(pg) = Postgres::start(test) else {
            return;
        };
        let Some(s3) = S3::start(test) else { return };
        s3.create_bucket(BUCKET);
        let proxy = Proxy::start(s3.addr());
        let dir = tempfile::tempdir().unwrap();
        let server = instance(&pg.url, &format!("http://{}", proxy.addr), dir.path());
        let addr = &server.addr;
        let store = PostgresStore::open(&pg.url).unwrap();
        let auth = login(addr, "hln");
        let criteria = choice_criteria();
        let (code, cases) = &criteria[0];

        let v = version(addr, &auth);
        let r = save(
            addr,
            &auth,
            v,
            code,
            &cases[0],
            "trước khi mất cơ sở dữ liệu",
        );
        assert_eq!(r["status"], 200, "{r}");

        // PostgreSQL goes away: a clear 503, and readiness says so.
        pg.down();
        let r = save(
            addr,
            &auth,
            v + 1,
            code,
            &cases[1],
            "trong lúc mất cơ sở dữ liệu",
        );
        assert_eq!(r["status"], 503, "{r}");
        assert_eq!(r["body"]["code"], "storage", "{r}");
        assert!(
            r["body"]["message"]
                .as_str()
                .unwrap()
                .contains("database is busy or unreachable"),
            "{r}"
        );
        let ready = get(addr, "/readyz", "");
        assert_eq!(ready.status, 503, "{}", ready.text());
        assert_eq!(ready.json()["status"], "unavailable");

        // It comes back: the server recovers by itself, the session is still there, and the
        // save refused during the outage changed nothing.
        pg.up();
        assert!(
            wait_for(Duration::from_secs(60), || get(addr, "/readyz", "").status
                == 200),
            "the server did not recover after PostgreSQL came back"
        );
        assert_eq!(
            version(addr, &auth),
            v + 1,
            "the refused save changed nothing"
        );
        let r = save(
            addr,
            &auth,
            v + 1,
            code,
            &cases[1],
            "sau khi có lại cơ sở dữ liệu",
        );
        assert_eq!(r["status"], 200, "{r}");
        let e = store.dossier(DOSSIER).unwrap();
        assert_eq!(
            e.entry(code).unwrap().self_opinion,
            "sau khi có lại cơ sở dữ liệu"
        );

        // The object store goes away: uploads get a clear 503 and keep nothing; scoring goes
        // on; readiness reports it without failing.
        let before = store.dossier(DOSSIER).unwrap();
        let files_before: usize = before.entries().iter().map(|e| e.evidence.len()).sum();
        proxy.set_down(true);
        let (status, body) = upload(
            addr,
            &auth,
            &criteria[1].0,
            "công văn.pdf",
            &pdf(50_000, b'b'),
        );
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["code"], "evidence_store_unavailable", "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("evidence files cannot be reached"),
            "{body}"
        );
        let ready = get(addr, "/readyz", "");
        assert_eq!(ready.status, 200, "{}", ready.text());
        assert_eq!(ready.json()["evidence"], "unavailable", "{}", ready.text());
        let r = save(addr, &auth, v + 2, code, &cases[0], "trong lúc mất kho tệp");
        assert_eq!(r["status"], 200, "{r}");
        let after = store.dossier(DOSSIER).unwrap();
        let files_after: usize = after.entries().iter().map(|e| e.evidence.len()).sum();
        assert_eq!(
            files_after, files_before,
            "the refused upload recorded nothing"
        );

        // It comes back: uploads work again, by themselves.
        proxy.set_down(false);
        assert!(
            wait_for(Duration::from_secs(30), || get(addr, "/readyz", "").json()
                ["evidence"]
                == "ok"),
            "the evidence store did not come back"
        );
        let content = pdf(60_000, b'c');
        let (status, body) = upload(addr, &auth, &criteria[1].0, "công văn.pdf", &content);
        assert_eq!(status, 201, "{body}");
        let url = body["files"][0]["url"].as_str().unwrap();
        let down = get(addr, &format!("/api/v1{url}"), &auth);
        assert_eq!(down.status, 200);
        assert!(down.body == content, "the download differs from the upload");
        // Nothing the outage left behind: every record has its object.
        records_point_at_objects(&store, &s3);
    }
}

#[cfg(not(feature = "s3"))]
#[test]
fn scale_out_needs_the_s3_feature() {
    process::unavailable::<()>(
        "scale_out",
        "the server was built without the `s3` feature (cargo test -p chamdiem-server --features s3)",
    );
}
