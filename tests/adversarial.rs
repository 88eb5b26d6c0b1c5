//! Hostile inputs, each with a test: the binary must end (never hang), never panic, and answer
//! with exit status 0, 1 or 2 and a report that says what happened. Big or special inputs are made
//! in a temporary directory by the test itself; nothing here depends on timing except a generous
//! watchdog that turns a hang into a failure instead of a stuck test run.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A hang guard, not a performance assertion: every case here finishes in well under a second.
const WATCHDOG: Duration = Duration::from_secs(60);

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "github", "azure", "junit", "gitlab",
];

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_connector-lint"))
}

/// Runs the binary with `stdin` as its standard input, killing it if it outlives the watchdog.
fn run_with(args: &[&str], dir: &Path, stdin: Stdio) -> Run {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("NO_GRAPHICS")
        .env_remove("APPMIXER_API_URL")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Drain the pipes on threads so a large report cannot block the child.
    let mut stdout_pipe = child.stdout.take().expect("stdout is piped");
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stdout_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut bytes);
        bytes
    });
    let stderr_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("connector-lint {args:?} did not end within {WATCHDOG:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = stdout_reader.join().expect("stdout reader");
    let stderr = stderr_reader.join().expect("stderr reader");
    Run {
        status: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn run(args: &[&str], dir: &Path) -> Run {
    run_with(args, dir, Stdio::null())
}

/// Fails on a panic (exit 101, or a panic message) or on any status outside 0..=2.
fn assert_no_crash(run: &Run, what: &str) {
    assert!(
        matches!(run.status, 0..=2),
        "{what}: exit status {}\nstderr: {}",
        run.status,
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{what}: panic\n{}",
        run.stderr
    );
}

/// The codes of a JSON report, in order.
fn codes(run: &Run) -> Vec<String> {
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("the JSON report parses");
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|file| file["diagnostics"].as_array().expect("diagnostics").iter())
        .map(|diagnostic| diagnostic["code"].as_str().expect("code").to_owned())
        .collect()
}

/// Writes each case into `dir`, and checks that every format handles it without crashing.
fn write_cases(dir: &Path, cases: &[(&str, Vec<u8>)]) {
    for (name, bytes) in cases {
        fs::write(dir.join(name), bytes).expect("write the case");
    }
}

fn every_format(dir: &Path, path: &str, what: &str) {
    for format in FORMATS {
        let shown = run(&["check", path, "--format", format], dir);
        assert_no_crash(&shown, &format!("{what} as {format}"));
    }
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

// ---------------------------------------------------------------------------------------------

/// "Billion laughs": nine aliases of nine aliases, seven levels (4.7 million nodes if expanded),
/// also through keys and in a flow mapping. The alias budget refuses them as `load/too-large`.
#[test]
fn alias_bombs_are_refused() {
    let dir = tempdir();
    let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (previous, name) in ["a", "b", "c", "d", "e", "f"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g"])
    {
        let list = vec![format!("*{previous}"); 9].join(", ");
        laughs.push_str(&format!("{name}: &{name} [{list}]\n"));
    }
    laughs.push_str("clientId: *g\nclientSecret: *g\n");
    let mut flow =
        String::from("{k0: &k0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}");
    for level in 1..8 {
        let refs = (0..10)
            .map(|index| format!("x{index}: *k{}", level - 1))
            .collect::<Vec<_>>()
            .join(", ");
        flow.push_str(&format!(", k{level}: &k{level} {{{refs}}}"));
    }
    flow.push_str("}\n");
    write_cases(
        dir.path(),
        &[
            ("laughs.yaml", laughs.into_bytes()),
            ("flow.yaml", flow.into_bytes()),
        ],
    );
    for name in ["laughs.yaml", "flow.yaml"] {
        let shown = run(&["check", name, "--format", "json"], dir.path());
        assert_no_crash(&shown, name);
        assert_eq!(shown.status, 1, "{name}");
        assert!(
            codes(&shown).contains(&"load/too-large".to_owned()),
            "{name}: {}",
            shown.stdout
        );
        every_format(dir.path(), name, name);
    }
}

/// 100,000 levels of nesting, in every syntax that nests: YAML block sequences on one line
/// (saphyr's own loader would overflow the stack), YAML flow sequences and mappings, block
/// mappings indented one more space per level, JSON arrays and objects. Checked alone (main
/// thread) and together in one directory (rayon's worker threads, with smaller stacks), and on
/// standard input.
#[test]
fn nesting_100000_deep_is_refused_without_overflowing_the_stack() {
    const DEPTH: usize = 100_000;
    let dir = tempdir();
    let deep = dir.path().join("deep");
    fs::create_dir(&deep).expect("mkdir");
    let block_map: String = (0..3_000)
        .map(|level| format!("{}a:\n", " ".repeat(level)))
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "block-sequence.yaml",
            format!("{}x\n", "- ".repeat(DEPTH)).into_bytes(),
        ),
        (
            "flow-sequence.yaml",
            format!("{}{}\n", "[".repeat(DEPTH), "]".repeat(DEPTH)).into_bytes(),
        ),
        ("flow-sequence-open.yaml", "[".repeat(DEPTH).into_bytes()),
        ("flow-mapping.yaml", "{a: ".repeat(DEPTH).into_bytes()),
        ("block-mapping.yaml", block_map.into_bytes()),
        (
            "array.json",
            format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)).into_bytes(),
        ),
        ("object.json", "{\"a\":".repeat(DEPTH).into_bytes()),
        (
            "in-string.json",
            format!("{{\"clientId\": \"{}\"}}", "[".repeat(DEPTH)).into_bytes(),
        ),
    ];
    write_cases(&deep, &cases);
    for (name, _) in &cases {
        let path = format!("deep/{name}");
        let shown = run(&["check", &path, "--format", "json"], dir.path());
        assert_no_crash(&shown, name);
        assert_eq!(shown.status, 1, "{name}: {}", shown.stdout);
        let found = codes(&shown);
        if *name == "in-string.json" {
            // Brackets inside a string are not nesting: the file loads, and its values are judged.
            assert!(
                !found.contains(&"load/too-large".to_owned()),
                "{name}: {found:?}"
            );
        } else {
            assert!(
                found
                    .iter()
                    .any(|code| code == "load/too-large" || code == "load/syntax"),
                "{name}: {found:?}"
            );
        }
    }
    // All at once: files are checked on rayon's worker threads.
    let shown = run(&["check", "deep", "--format", "json"], dir.path());
    assert_no_crash(&shown, "the directory");
    assert!(codes(&shown).len() >= cases.len(), "{}", shown.stdout);
    every_format(dir.path(), "deep", "the deep directory");
    // Standard input.
    for (name, _) in &cases {
        let file = fs::File::open(deep.join(name)).expect("open the case");
        let stdin_format = if name.ends_with(".json") {
            "json"
        } else {
            "yaml"
        };
        let shown = run_with(
            &[
                "check",
                "-",
                "--stdin-format",
                stdin_format,
                "--format",
                "json",
            ],
            dir.path(),
            Stdio::from(file),
        );
        assert_no_crash(&shown, &format!("{name} on stdin"));
        assert_eq!(shown.status, 1, "{name} on stdin");
    }
}

/// A 64 GiB file (sparse: it takes no disk) is refused from its size, unread; reading it would
/// take minutes and 64 GiB of memory, so finishing at all proves the read never happened. An
/// endless standard input (`/dev/zero`) is read only up to the limit; and `--max-file-size`
/// applies to a small file too.
#[test]
fn a_file_far_over_the_size_limit_is_refused_without_reading_it() {
    let dir = tempdir();
    let huge = fs::File::create(dir.path().join("huge.yaml")).expect("create");
    huge.set_len(64 * 1024 * 1024 * 1024)
        .expect("a sparse 64 GiB file");
    drop(huge);
    let shown = run(&["check", "huge.yaml", "--format", "json"], dir.path());
    assert_no_crash(&shown, "huge.yaml");
    assert_eq!(shown.status, 1);
    assert_eq!(codes(&shown), ["load/too-large"]);
    assert!(
        shown.stdout.contains("68719476736 bytes"),
        "{}",
        shown.stdout
    );
    every_format(dir.path(), "huge.yaml", "huge.yaml");

    let zero = fs::File::open("/dev/zero").expect("/dev/zero opens");
    let shown = run_with(
        &["check", "-", "--format", "json"],
        dir.path(),
        Stdio::from(zero),
    );
    assert_no_crash(&shown, "endless stdin");
    assert_eq!(codes(&shown), ["load/too-large"]);

    fs::write(
        dir.path().join("small.yaml"),
        "clientId: abc\nclientSecret: def\n",
    )
    .expect("write");
    let shown = run(
        &[
            "check",
            "small.yaml",
            "--max-file-size",
            "10",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(codes(&shown), ["load/too-large"]);
}

/// Bytes that are not UTF-8, each kind at a known place: the report names the line and column
/// of the first bad byte.
#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let dir = tempdir();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "latin1.yaml",
            b"clientId: caf\xe9\n".to_vec(),
            "line 1, column 14",
        ),
        (
            "continuation.yaml",
            b"a: 1\n\x80\n".to_vec(),
            "line 2, column 1",
        ),
        (
            "overlong.yaml",
            b"a: \xc0\xaf\n".to_vec(),
            "line 1, column 4",
        ),
        (
            "surrogate.json",
            b"{\"a\": \"\xed\xa0\x80\"}".to_vec(),
            "line 1, column 8",
        ),
        (
            "truncated.yaml",
            b"a: \xe2\x82".to_vec(),
            "line 1, column 4",
        ),
        (
            "beyond.json",
            b"[\"\xf4\x90\x80\x80\"]".to_vec(),
            "line 1, column 3",
        ),
        (
            "utf16.yaml",
            b"\xff\xfea\x00:\x00 \x00b\x00".to_vec(),
            "line 1, column 1",
        ),
    ];
    for (name, bytes, _) in &cases {
        fs::write(dir.path().join(name), bytes).expect("write");
    }
    for (name, _, position) in &cases {
        let shown = run(&["check", name, "--format", "json"], dir.path());
        assert_no_crash(&shown, name);
        assert_eq!(shown.status, 1, "{name}");
        assert_eq!(codes(&shown), ["load/not-utf8"], "{name}");
        assert!(shown.stdout.contains(position), "{name}: {}", shown.stdout);
        every_format(dir.path(), name, name);
    }
}

/// NUL bytes (valid UTF-8, forbidden in YAML and raw in JSON strings) anywhere: at the start, in
/// a key, in a value, in a comment, after the document.
#[test]
fn nul_bytes_never_crash() {
    let dir = tempdir();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("start.yaml", b"\x00clientId: a\n".to_vec()),
        ("key.yaml", b"client\x00Id: a\nclientSecret: b\n".to_vec()),
        (
            "value.yaml",
            b"clientId: a\x00b\nclientSecret: b\n".to_vec(),
        ),
        ("quoted.yaml", b"clientId: \"a\x00b\"\n".to_vec()),
        ("comment.yaml", b"# \x00\nclientId: a\n".to_vec()),
        ("end.yaml", b"clientId: a\n\x00".to_vec()),
        ("string.json", b"{\"clientId\": \"a\x00b\"}".to_vec()),
        ("outside.json", b"{\"clientId\":\x00 \"a\"}".to_vec()),
        ("only.json", vec![0; 100]),
    ];
    write_cases(dir.path(), &cases);
    for (name, _) in &cases {
        let shown = run(&["check", name, "--format", "json"], dir.path());
        assert_no_crash(&shown, name);
        assert_eq!(shown.status, 1, "{name}: {}", shown.stdout);
        every_format(dir.path(), name, name);
    }
}

/// Lines of about 1 MB: a value that long, a minified JSON file whose last finding is a million
/// characters into its only line (miette's underline padding panicked there), a comment that long,
/// and a syntax error at the end of such a line.
#[test]
fn a_one_megabyte_line_never_crashes() {
    const LONG: usize = 1_000_000;
    let dir = tempdir();
    let id = "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40";
    let cases: Vec<(&str, Vec<u8>, i32)> = vec![
        (
            "long-secret.yaml",
            format!("clientId: {id}\nclientSecret: {}\n", "A".repeat(LONG)).into_bytes(),
            0,
        ),
        (
            "long-id.yaml",
            format!("clientId: {}\nclientSecret: abc\n", "A".repeat(LONG)).into_bytes(),
            1,
        ),
        (
            "minified.json",
            format!(
                "{{\"clientId\": \"{}\", \"clientSecret\": 1}}",
                "A".repeat(LONG)
            )
            .into_bytes(),
            1,
        ),
        (
            "minified-tabs.json",
            format!(
                "{{\"clientId\": \"{id}\",{}\"clientSecret\": 1}}",
                "\t".repeat(LONG / 10)
            )
            .into_bytes(),
            1,
        ),
        (
            "comment.yaml",
            format!("# {}\nclientId: {id}\nclientSecret: 1\n", "#".repeat(LONG)).into_bytes(),
            1,
        ),
        (
            "syntax-at-end.json",
            format!("{{\"clientId\": \"{}\" \"x\"}}", "A".repeat(LONG)).into_bytes(),
            1,
        ),
        (
            "syntax-at-end.yaml",
            format!("clientId: {}: x\n", "A".repeat(LONG)).into_bytes(),
            1,
        ),
    ];
    for (name, bytes, _) in &cases {
        assert!(
            bytes.len() < 1024 * 1024,
            "{name} stays under the size limit"
        );
        fs::write(dir.path().join(name), bytes).expect("write");
    }
    for (name, _, status) in &cases {
        for format in FORMATS {
            let shown = run(&["check", name, "--format", format], dir.path());
            assert_no_crash(&shown, &format!("{name} as {format}"));
            assert_eq!(
                shown.status, *status,
                "{name} as {format}: {}",
                shown.stderr
            );
        }
        let narrated = Command::new(binary())
            .args(["check", name])
            .current_dir(dir.path())
            .env("NO_GRAPHICS", "1")
            .output()
            .expect("the binary runs");
        assert_eq!(narrated.status.code(), Some(*status), "{name} narrated");
    }
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|status| status.success())
}

/// A FIFO has no writer here, so opening it would block forever: it must be refused from its
/// metadata (exit 2) when named, and skipped by a directory walk, directly or through a link.
#[test]
fn a_fifo_is_refused_or_skipped_and_never_opened() {
    let dir = tempdir();
    if !mkfifo(&dir.path().join("pipe.yaml")) {
        eprintln!("skipped: `mkfifo` is not available here");
        return;
    }
    std::os::unix::fs::symlink("pipe.yaml", dir.path().join("link-to-pipe.yaml")).expect("symlink");
    for name in ["pipe.yaml", "link-to-pipe.yaml"] {
        let shown = run(&["check", name], dir.path());
        assert_no_crash(&shown, name);
        assert_eq!(shown.status, 2, "{name}");
        assert!(
            shown.stderr.contains("not a regular file"),
            "{}",
            shown.stderr
        );
    }
    // In a walk: skipped, and the real file next to it is checked.
    fs::write(
        dir.path().join("azdo.yaml"),
        "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${AZDO_SECRET_FOR_FIFO_TEST}\n",
    )
    .expect("write");
    let shown = run(&["check", ".", "--format", "json"], dir.path());
    assert_no_crash(&shown, "the walk");
    let report: serde_json::Value = serde_json::from_str(&shown.stdout).expect("JSON");
    assert_eq!(report["summary"]["files"], 1, "{}", shown.stdout);
    assert_eq!(report["files"][0]["path"], "azdo.yaml");
}

/// Character devices: `/dev/zero` and `/dev/urandom` never end, `/dev/null` is empty. Named as
/// paths they are refused (exit 2) from their metadata; none is read.
#[test]
fn device_paths_are_refused() {
    let dir = tempdir();
    for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
        if !Path::new(device).exists() {
            continue;
        }
        let shown = run(&["check", device], dir.path());
        assert_no_crash(&shown, device);
        assert_eq!(shown.status, 2, "{device}");
        assert!(
            shown.stderr.contains("not a regular file"),
            "{device}: {}",
            shown.stderr
        );
    }
    // A device behind a `.yaml` link in a walk is skipped like a FIFO.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).expect("symlink");
    let shown = run(&["check", "."], dir.path());
    assert_no_crash(&shown, "a walk with a device link");
    assert_eq!(shown.status, 2, "no config file found: {}", shown.stderr);
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// A file that cannot be read gives exit 2 and names the file.
///
/// What is proven depends on who runs the test. Permission bits do not stop root (CI runs as
/// root), so the `chmod 000` half runs only for other users and says so when skipped. The half
/// that holds for everyone uses a file whose read fails for root too: `/proc/self/mem` is a
/// regular file that opens, but reading at offset 0 fails with EIO (nothing is mapped there).
#[test]
fn an_unreadable_file_is_an_input_error() {
    let dir = tempdir();
    let mem = Path::new("/proc/self/mem");
    if mem.exists() {
        std::os::unix::fs::symlink(mem, dir.path().join("mem.yaml")).expect("symlink");
        let shown = run(&["check", "mem.yaml"], dir.path());
        assert_no_crash(&shown, "mem.yaml");
        assert_eq!(shown.status, 2, "{}", shown.stderr);
        assert!(
            shown.stderr.contains("`mem.yaml` cannot be read"),
            "{}",
            shown.stderr
        );
    } else {
        eprintln!("skipped the read-error half: no /proc/self/mem on this system");
    }

    if running_as_root() {
        eprintln!(
            "skipped the permission half: running as root, which reads a chmod 000 file anyway"
        );
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let locked = dir.path().join("locked.yaml");
    fs::write(&locked, "clientId: a\n").expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let shown = run(&["check", "locked.yaml"], dir.path());
    assert_no_crash(&shown, "locked.yaml");
    assert_eq!(shown.status, 2);
    assert!(shown.stderr.contains("cannot be read"), "{}", shown.stderr);
    let closed = dir.path().join("closed");
    fs::create_dir(&closed).expect("mkdir");
    fs::write(closed.join("inside.yaml"), "clientId: a\n").expect("write");
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).expect("chmod");
    let shown = run(&["check", "closed"], dir.path());
    assert_no_crash(&shown, "a closed directory");
    assert_eq!(shown.status, 2);
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o755)).expect("chmod back");
}

/// A dangling link found by a walk is a configuration file that cannot be read: exit 2 in every
/// format, named on standard error and in the machine formats, while the files beside it are
/// still checked. A dangling link without a configuration file's name is not one, and is skipped.
#[test]
fn a_dangling_link_in_a_walk_is_an_input_error() {
    let dir = tempdir();
    fs::write(
        dir.path().join("azdo.yaml"),
        "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${AZDO_SECRET_FOR_LINK_TEST}\n",
    )
    .expect("write");
    std::os::unix::fs::symlink("moved-away.yaml", dir.path().join("prod.yaml")).expect("symlink");
    std::os::unix::fs::symlink("moved-away", dir.path().join("notes")).expect("symlink");
    for format in FORMATS {
        let shown = run(&["check", ".", "--format", format], dir.path());
        assert_no_crash(&shown, format);
        assert_eq!(shown.status, 2, "{format}: {}", shown.stderr);
        assert!(
            shown.stderr.contains("`prod.yaml` cannot be read"),
            "{format}: {}",
            shown.stderr
        );
        assert!(
            !shown.stderr.contains("notes"),
            "{format}: {}",
            shown.stderr
        );
        // The formats that report unreadable inputs (the JSON and GitLab reports list files).
        if ["sarif", "github", "azure", "junit"].contains(format) {
            assert!(
                shown.stdout.contains("prod.yaml"),
                "{format}: {}",
                shown.stdout
            );
        }
        assert!(
            shown.stdout.contains("azdo.yaml"),
            "{format}: {}",
            shown.stdout
        );
    }
}

/// Symbolic link loops in a directory walk: links to `.` and `..` (links to directories are not
/// followed, so the walk ends), a link to itself and a two-link cycle (input errors, in a walk
/// and named directly). The real file in the same directory is still checked.
#[test]
fn symlink_loops_in_a_walk_end() {
    let dir = tempdir();
    let tree = dir.path().join("tree");
    fs::create_dir_all(tree.join("sub")).expect("mkdir");
    fs::write(
        tree.join("sub/azdo.yaml"),
        "clientId: 3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40\nclientSecret: ${AZDO_SECRET_FOR_LOOP_TEST}\n",
    )
    .expect("write");
    let link = std::os::unix::fs::symlink;
    link(".", tree.join("sub/here")).expect("symlink");
    link("..", tree.join("sub/up")).expect("symlink");
    link("../..", tree.join("sub/root.yaml")).expect("symlink");
    link("self.yaml", tree.join("self.yaml")).expect("symlink");
    link("b.yaml", tree.join("a.yaml")).expect("symlink");
    link("a.yaml", tree.join("b.yaml")).expect("symlink");
    let shown = run(&["check", "tree", "--format", "json"], dir.path());
    assert_no_crash(&shown, "the walk");
    let report: serde_json::Value = serde_json::from_str(&shown.stdout).expect("JSON");
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|file| file["path"].as_str())
        .collect();
    assert_eq!(paths, ["tree/sub/azdo.yaml"], "{}", shown.stderr);
    // The looping links are configuration files that cannot be read: named, not skipped.
    assert_eq!(shown.status, 2, "{}", shown.stderr);
    for name in ["tree/self.yaml", "tree/a.yaml", "tree/b.yaml"] {
        assert!(
            shown.stderr.contains(&format!("`{name}` cannot be read")),
            "{name}: {}",
            shown.stderr
        );
    }
    for name in ["tree/self.yaml", "tree/a.yaml"] {
        let shown = run(&["check", name], dir.path());
        assert_no_crash(&shown, name);
        assert_eq!(shown.status, 2, "{name}");
        assert!(
            shown.stderr.contains("cannot be read"),
            "{name}: {}",
            shown.stderr
        );
    }
    // A loop named as the directory to check, several levels deep, resolves or fails cleanly.
    let shown = run(
        &[
            "check",
            "tree/sub/here/here/up/sub/here",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_no_crash(&shown, "a path through the loop");
    let report: serde_json::Value = serde_json::from_str(&shown.stdout).expect("JSON");
    assert_eq!(report["summary"]["files"], 1, "{}", shown.stderr);
}
