//! The checks of the core's fuzz targets, shared by the targets (`fuzz/fuzz_targets/`) and by
//! the corpus replay (`core/tests/fuzz_corpus.rs`), so both always check the same properties.
//!
//! Every function takes the raw input of one fuzz run and panics when a property fails; an
//! input the parser refuses with an error is a success (refusing garbage is the job).

use chamdiem::{Actor, Command, CommandName, CriteriaSet, Dossier, OpenDossier, Role, Timestamp};

/// The criteria set the command target runs against (the `mini-2026` set of the test vectors:
/// plain, banded and scaled criteria, a not-applicable case, classification bands).
pub const MINI_SET: &str = include_str!("mini-2026.toml");

/// A criteria set that was read must survive both forms: JSON and compact text, each read
/// back equal, and the compact form of the JSON copy is the same text.
fn round_trips(set: &CriteriaSet) {
    let json = set.to_json();
    let from_json = CriteriaSet::from_json(&json)
        .unwrap_or_else(|e| panic!("the JSON form of a valid set is refused: {e}\n{json}"));
    assert_eq!(&from_json, set, "the JSON form reads back different");
    let compact = set.to_compact();
    let from_compact = CriteriaSet::from_compact(&compact)
        .unwrap_or_else(|e| panic!("the compact form of a valid set is refused: {e}\n{compact}"));
    assert_eq!(&from_compact, set, "the compact form reads back different");
    assert_eq!(
        from_json.to_compact(),
        compact,
        "the compact form is not stable"
    );
    assert_eq!(
        CriteriaSet::parse(&json).as_ref().ok(),
        Some(set),
        "`parse` reads the JSON form differently"
    );
}

/// A set that was read can be scored: a dossier opened against it gives results (all empty)
/// without a panic, and its JSON form reads back.
fn usable(set: &CriteriaSet) {
    let admin = Actor::new("admin", Role::Admin, "TINH");
    let now = Timestamp::from_millis(1_772_323_200_000);
    let d = Dossier::open(open_spec(), set, &admin, now).expect("opening a dossier on a valid set");
    d.check_against(set).expect("a new dossier fits its set");
    let _ = chamdiem::results(set, &d);
    let back = Dossier::from_json(&d.to_json()).expect("a dossier's JSON reads back");
    assert_eq!(
        back.to_json(),
        d.to_json(),
        "a dossier's JSON is not stable"
    );
}

fn open_spec() -> OpenDossier {
    OpenDossier {
        id: "2026/SO-TC".into(),
        period: "2026".into(),
        unit: "SO-TC".into(),
        assessing_unit: "TINH".into(),
        self_deadline: Some(Timestamp::parse("2026-03-31T17:00:00Z").expect("a timestamp")),
        requires_report: false,
    }
}

/// Target `criteria_json`: the JSON form of a criteria set.
pub fn criteria_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(set) = CriteriaSet::from_json(text) {
        round_trips(&set);
        usable(&set);
    }
}

/// Target `criteria_compact`: the compact TOML form of a criteria set.
pub fn criteria_compact(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(set) = CriteriaSet::from_compact(text) {
        round_trips(&set);
        usable(&set);
    }
}

/// The actor a line of the command target's input names by its first character.
fn actor(c: char) -> Option<Actor> {
    Some(match c {
        'u' => Actor::new("so.tc.chuyenvien", Role::Unit, "SO-TC"),
        'r' => Actor::new("tinh.thamdinh", Role::Reviewer, "TINH"),
        'a' => Actor::new("admin", Role::Admin, "TINH"),
        'v' => Actor::new("thanhtra", Role::Viewer, "TINH"),
        'o' => Actor::new("so.yt.chuyenvien", Role::Unit, "SO-YT"),
        'x' => Actor::new("tinh.bn.thamdinh", Role::Reviewer, "TINH-BN"),
        _ => return None,
    })
}

/// Whether a command has no input besides its type (its outcome is what
/// `available_actions` predicts).
fn without_input(name: CommandName) -> bool {
    matches!(
        name,
        CommandName::Submit
            | CommandName::Withdraw
            | CommandName::FinishExplanation
            | CommandName::FinishReview
            | CommandName::ReleaseReview
            | CommandName::Reopen
            | CommandName::Archive
    )
}

/// Target `command_json`: commands decoded from JSON and executed in turn on one dossier of
/// [`MINI_SET`].
///
/// The input is lines; each is an actor letter (`u` unit, `r` reviewer, `a` admin, `v` viewer,
/// `o` another unit, `x` another province's reviewer) followed by a command's JSON. Line `i`
/// runs at 2026-03-02T00:00Z plus `i` hours. Checked for each line: a command that decodes
/// reads back equal from its JSON form; `decide` and `execute` agree; a refused command leaves
/// the dossier unchanged; an accepted one raises the version by one and its events carry it;
/// for commands without input, `available_actions` predicted the outcome; the history replays
/// to the same dossier; results, the view and the precheck never panic.
pub fn command_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let set = CriteriaSet::from_compact(MINI_SET).expect("the mini set");
    let admin = Actor::new("admin", Role::Admin, "TINH");
    let start = Timestamp::parse("2026-03-02T00:00:00Z").expect("a timestamp");
    let mut dossier = Dossier::open(open_spec(), &set, &admin, start).expect("opening");
    for (i, line) in text.lines().enumerate().take(64) {
        let mut chars = line.chars();
        let Some(who) = chars.next().and_then(actor) else {
            continue;
        };
        let json = chars.as_str();
        let Ok(command) = Command::from_json(json) else {
            continue;
        };
        let encoded = command.to_json();
        let decoded = Command::from_json(&encoded)
            .unwrap_or_else(|e| panic!("a command's own JSON is refused: {e}\n{encoded}"));
        assert_eq!(
            decoded, command,
            "a command reads back different\n{encoded}"
        );

        let now = start.add_millis((i as i64 + 1) * 3_600_000);
        let before = dossier.to_json();
        let predicted = without_input(command.name()).then(|| {
            chamdiem::available_actions(&set, &dossier, &who, now)
                .into_iter()
                .find(|a| a.command == command.name())
                .is_some_and(|a| a.allowed)
        });
        let decided = chamdiem::decide(&set, &dossier, &who, &command, now);
        let version = dossier.version();
        let executed = dossier.execute(&set, &who, &command, now);
        match (&decided, &executed) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "decide and execute record different events");
                let expected = version + u64::from(!b.is_empty());
                assert_eq!(
                    dossier.version(),
                    expected,
                    "an accepted command moves the version by one (none if it changed nothing)"
                );
                assert!(
                    b.iter().all(|e| e.version == expected),
                    "the events of one command carry the new version"
                );
            }
            (Err(a), Err(b)) => {
                assert_eq!(a.code(), b.code(), "decide and execute refuse differently");
                assert_eq!(
                    dossier.to_json(),
                    before,
                    "a refused command changed the dossier"
                );
            }
            _ => panic!("decide and execute disagree: {decided:?} vs {executed:?}"),
        }
        if let Some(allowed) = predicted {
            assert_eq!(
                allowed,
                decided.is_ok(),
                "available_actions predicted {allowed} for {:?} by {:?}, decide said {decided:?}",
                command.name(),
                who.role
            );
        }
        if executed.is_ok() {
            let replayed = Dossier::replay(dossier.history().iter().cloned())
                .expect("a dossier's history replays");
            assert_eq!(
                replayed.to_json(),
                dossier.to_json(),
                "replaying the history gives another dossier"
            );
            let _ = chamdiem::results(&set, &dossier);
            let _ = chamdiem::precheck(&set, &dossier, None);
            let _ = chamdiem::view(&dossier, &who);
        }
    }
    let back = Dossier::from_json(&dossier.to_json()).expect("a dossier's JSON reads back");
    assert_eq!(
        back.to_json(),
        dossier.to_json(),
        "a dossier's JSON is not stable"
    );
    back.check_against(&set)
        .expect("the dossier still fits its set");
}
