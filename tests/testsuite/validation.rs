//! Every validation rule: a fixture site that breaks it fails `check` and
//! `build` with exit 1, naming the file and line; the human-readable message
//! is snapshotted. Warnings are reported but never fail.

use crate::common::{fixture, kbgen, text};

/// Runs `check` and `build` on a validation fixture and returns check's stderr.
fn fails(case: &str, expect: &[&str]) -> String {
    let dir = fixture(&format!("validation/{case}"));
    let check = kbgen(dir.path(), &["check"]);
    let (_, err) = text(&check);
    assert_eq!(
        check.status.code(),
        Some(1),
        "check on {case} should fail:\n{err}"
    );
    for e in expect {
        assert!(
            err.contains(e),
            "check on {case} should mention `{e}`:\n{err}"
        );
    }
    let build = kbgen(dir.path(), &["build"]);
    let (_, build_err) = text(&build);
    assert_eq!(
        build.status.code(),
        Some(1),
        "build on {case} should fail:\n{build_err}"
    );
    for e in expect {
        assert!(
            build_err.contains(e),
            "build on {case} should mention `{e}`:\n{build_err}"
        );
    }
    assert!(
        !dir.path().join("public").exists(),
        "a failed build must not write public/"
    );
    err
}

macro_rules! rule {
    ($name:ident, $case:literal, [$($expect:literal),+ $(,)?]) => {
        #[test]
        fn $name() {
            let err = fails($case, &[$($expect),+]);
            insta::assert_snapshot!($case, err);
        }
    };
}

rule!(
    missing_required_field,
    "missing-required",
    [
        "--> content/docker/port.md:1:1",
        "missing required field `title`"
    ]
);
rule!(
    unknown_field_suggests_nearest,
    "unknown-field",
    ["--> content/docker/port.md:8:1", "did you mean `causes`?"]
);
rule!(
    bad_file_slug,
    "bad-file-slug",
    ["content/docker/Port_Taken.md", "port-taken"]
);
rule!(
    bad_category_slug,
    "bad-category-slug",
    ["content/Docker Stuff/port.md", "docker-stuff"]
);
rule!(
    invalid_date,
    "invalid-date",
    ["--> content/docker/port.md:6:10", "does not exist"]
);
rule!(
    date_format,
    "date-format",
    ["--> content/docker/port.md:6:10", "YYYY-MM-DD"]
);
rule!(
    empty_signatures,
    "empty-signatures",
    ["--> content/docker/port.md:4:1", "`signatures` is empty"]
);
rule!(
    malformed_placeholder,
    "malformed-placeholder",
    [
        "--> content/docker/port.md:5:5",
        "malformed placeholder `{}`"
    ]
);
rule!(
    related_missing,
    "related-missing",
    [
        "--> content/docker/port.md:9:5",
        "related entry `git/nope` does not exist"
    ]
);
rule!(
    duplicate_id,
    "duplicate-id",
    ["content/docker/port.yaml", "defined twice"]
);
rule!(
    alias_collision,
    "alias-collision",
    ["--> content/docker/port.md:8:5", "would overwrite"]
);
rule!(
    alias_climbs_out,
    "alias-climbs",
    ["--> content/docker/port.md:8:5", "`..`"]
);
rule!(
    not_utf8,
    "not-utf8",
    ["content/docker/port.md:10:", "not valid UTF-8"]
);
rule!(
    unclosed_front_matter,
    "unclosed-front-matter",
    ["--> content/docker/port.md:1:1", "not closed"]
);
rule!(
    yaml_syntax_error,
    "yaml-syntax",
    ["content/docker/port.md:", "invalid YAML"]
);
rule!(
    wrong_types,
    "wrong-type",
    [
        "--> content/docker/port.md:7:7",
        "--> content/docker/port.md:8:8",
        "must be a list of strings"
    ]
);
rule!(
    broken_internal_link,
    "broken-link",
    [
        "--> content/docker/port.md:8:5",
        "broken internal link `/docker/daemon/`",
        "no-such-heading"
    ]
);
rule!(
    yaml_entry_errors,
    "yaml-entry-errors",
    [
        "--> content/git/push.yaml:4:10",
        "--> content/git/push.yaml:5:1",
        "did you mean `fixes`?",
        "source has no `url`",
        "missing required field `description`"
    ]
);
rule!(
    config_error,
    "config-error",
    ["kbgen.toml", "missing field `title`"]
);
rule!(
    category_file_errors,
    "category-file-errors",
    [
        "--> content/docker/_category.yaml:2:1",
        "did you mean `homepage`?"
    ]
);
rule!(
    all_errors_in_one_run,
    "many-errors",
    [
        "content/docker/a.md:6:10",
        "content/docker/b.md:7:1",
        "content/git/c.yaml:1:1"
    ]
);

/// Warnings are printed but `check` and `build` still succeed.
fn warns(case: &str, expect: &str) {
    let dir = fixture(&format!("validation/{case}"));
    let check = kbgen(dir.path(), &["check"]);
    let (_, err) = text(&check);
    assert_eq!(check.status.code(), Some(0), "{err}");
    assert!(err.contains("warning:") && err.contains(expect), "{err}");
    let build = kbgen(dir.path(), &["build"]);
    assert_eq!(build.status.code(), Some(0));
    assert!(dir.path().join("public/docker/port/index.html").exists());
}

#[test]
fn long_description_is_a_warning() {
    warns("description-too-long", "search results cut it at 160");
}

#[test]
fn entry_without_answer_is_a_warning() {
    warns("no-answer", "neither a meaning nor fixes");
}

#[test]
fn github_format_annotates_lines() {
    let dir = fixture("validation/many-errors");
    let out = kbgen(dir.path(), &["check", "--format", "github"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("::error file=content/docker/a.md,line=6,col=10::invalid `updated` date"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::warning file=content/git/c.yaml,line=1,col=1::"),
        "{stdout}"
    );
}

#[test]
fn json_format_lists_every_diagnostic() {
    let dir = fixture("validation/many-errors");
    let out = kbgen(dir.path(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.iter().filter(|d| d["severity"] == "error").count(), 5);
    assert_eq!(items[0]["file"], "content/docker/a.md");
    assert_eq!(items[0]["line"], 6);
}

/// A link's diagnostic spans the link as written in every format, not only
/// in the snippet: GitHub gets `endColumn`, JSON `end_column` (the column of
/// its last character).
#[test]
fn machine_formats_give_the_span_of_a_link() {
    let dir = fixture("validation/broken-link");
    let out = kbgen(dir.path(), &["check", "--format", "github"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    // `[the daemon page](/docker/daemon/)` is columns 5 to 38 of line 8.
    assert!(
        stdout
            .contains("::error file=content/docker/port.md,line=8,col=5,endLine=8,endColumn=38::"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line=8,col=44,endLine=8,endColumn=83::"),
        "{stdout}"
    );

    let out = kbgen(dir.path(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let spans: Vec<(u64, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["column"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(spans, [(5, 38), (44, 83)]);

    // Diagnostics without a known span have no end.
    let dir = fixture("validation/many-errors");
    let out = kbgen(dir.path(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|d| d.get("end_column").is_none())
    );
    assert!(
        !text(&kbgen(dir.path(), &["check", "--format", "github"]))
            .0
            .contains("endColumn")
    );
}

#[test]
fn missing_config_is_a_usage_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = kbgen(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no kbgen.toml"));
}
