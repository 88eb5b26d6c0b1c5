//! Inputs at the edge: which files a run checks, reading them within the size limit, decoding
//! UTF-8, and the line index that turns byte offsets into 1-based line and character columns.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::directory::{Directory, WalkHandles};

/// The file formats the loader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// The format implied by a file name, if it is one we check.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?;
        if extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml") {
            Some(Format::Yaml)
        } else if extension.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else {
            None
        }
    }
}

/// One input the user named (or found under a directory the user named).
#[derive(Debug, Clone)]
pub enum Input {
    /// A file; `display` is the path shown for it (`shown_path`). `walked`: found
    /// under a directory the user named, rather than named itself. `directory`: the walked
    /// directory held open, to open the file by its name in it.
    File {
        path: PathBuf,
        display: String,
        format: Format,
        walked: bool,
        directory: Option<Arc<Directory>>,
    },
    /// Standard input (`-`), with the format from `--stdin-format`.
    Stdin { format: Format },
}

impl Input {
    pub fn display(&self) -> &str {
        match self {
            Input::File { display, .. } => display,
            Input::Stdin { .. } => "-",
        }
    }

    /// Whether the input was found by walking a directory (a file named by the user, or
    /// standard input, is always checked).
    pub fn is_walked(&self) -> bool {
        matches!(self, Input::File { walked: true, .. })
    }
}

/// Decides which paths a directory walk leaves out (`--exclude`, `exclude` in the project file).
pub type Exclude<'a> = &'a (dyn Fn(&Path) -> bool + Sync);

/// A problem with the inputs themselves: the run cannot check what it was asked to (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("`{0}` does not exist")]
    Missing(String),
    #[error("`{0}` holds no *.yaml, *.yml or *.json file")]
    NoConfigFiles(String),
    #[error("`{0}` is not a regular file (a device, FIFO or socket cannot be checked)")]
    NotAFile(String),
    #[error("`{path}` cannot be read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error(
        "`{0}` is not a *.yaml, *.yml or *.json file; name it with one of those extensions, or pipe it through `-` with `--stdin-format`"
    )]
    UnknownExtension(String),
    #[error(
        "no connector configuration found: the {0} YAML or JSON file(s) found hold no connector key; name a file on the command line to check it anyway"
    )]
    OnlyUnrelated(usize),
}

fn slashed(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The path every format shows for an input (and its input errors quote), made here once so the
/// formats cannot disagree: `/` separators; leading `./` left out (any number of them, `.\` on
/// Windows); an absolute path under the working directory (any of `cwd`: the directory as the
/// system and as the shell name it) relative to it; any other path as given. SARIF's artifact
/// URI is this path, percent-encoded.
pub fn shown_path(path: &Path, cwd: &[PathBuf]) -> String {
    if path.is_absolute()
        && let Some(rest) = cwd.iter().find_map(|dir| path.strip_prefix(dir).ok())
        && rest.components().next().is_some()
        && rest
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)))
    {
        return slashed(rest);
    }
    let text = slashed(path);
    let mut rest = text.as_str();
    while let Some(after) = rest.strip_prefix("./") {
        rest = after.trim_start_matches('/');
    }
    if rest.is_empty() || rest.len() == text.len() {
        text
    } else {
        rest.to_owned()
    }
}

/// The working directory as the system gives it and, when it is the same directory by another
/// name (a symbolic link on the way), as the shell gives it in `PWD`: absolute paths typed from
/// `$PWD` are under the one, `current_dir` is the other.
fn working_directories() -> Vec<PathBuf> {
    let Ok(physical) = std::env::current_dir() else {
        return Vec::new();
    };
    let logical = std::env::var_os("PWD")
        .map(PathBuf::from)
        .filter(|pwd| pwd.is_absolute() && *pwd != physical)
        .filter(|pwd| pwd.canonicalize().ok() == physical.canonicalize().ok());
    std::iter::once(physical).chain(logical).collect()
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    let name = entry.file_name();
    // The first byte decides nearly always; only a name that starts with a dot is decoded.
    entry.depth() > 0 && name.as_encoded_bytes().first() == Some(&b'.') && name.to_str().is_some()
}

/// Expands the paths the user gave into the inputs to check, in a deterministic order.
///
/// Directories are walked recursively for `*.yaml`, `*.yml` and `*.json`, skipping hidden entries
/// (`.git`, `.github`, ...) below the given directory. Symbolic links to directories are not
/// followed (so a link loop cannot make the walk endless); links to files are checked.
///
/// The paths are looked at in parallel (their order kept): a shell glob such as
/// `configs/*.yaml` hands over thousands, each needing a `stat`.
pub fn collect_inputs(paths: &[String], stdin_format: Format) -> (Vec<Input>, Vec<InputError>) {
    collect_inputs_excluding(paths, stdin_format, &|_| false)
}

/// [`collect_inputs`], leaving out of directory walks the files and directories `exclude`
/// accepts (paths as found: the given directory joined with the path under it).
pub fn collect_inputs_excluding(
    paths: &[String],
    stdin_format: Format,
    exclude: Exclude<'_>,
) -> (Vec<Input>, Vec<InputError>) {
    let cwd = working_directories();
    let expanded: Vec<Expansion> = paths
        .par_iter()
        .map(|given| expand(given, stdin_format, exclude, &cwd))
        .collect();
    let mut inputs = Vec::with_capacity(expanded.len());
    let mut errors = Vec::new();
    for expansion in expanded {
        match expansion {
            Expansion::Input(input) => inputs.push(input),
            Expansion::Error(error) => errors.push(error),
            Expansion::Directory(found, walk_errors) => {
                inputs.extend(found);
                errors.extend(walk_errors);
            }
        }
    }
    (inputs, errors)
}

/// What one path the user gave stands for.
enum Expansion {
    Input(Input),
    Error(InputError),
    /// A directory: the files found under it, and what could not be walked.
    Directory(Vec<Input>, Vec<InputError>),
}

fn expand(given: &str, stdin_format: Format, exclude: Exclude<'_>, cwd: &[PathBuf]) -> Expansion {
    if given == "-" {
        return Expansion::Input(Input::Stdin {
            format: stdin_format,
        });
    }
    let path = PathBuf::from(given);
    let shown = || shown_path(&path, cwd);
    let metadata = match fs::metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Expansion::Error(InputError::Missing(shown()));
        }
        Err(error) => {
            return Expansion::Error(InputError::Unreadable {
                path: shown(),
                reason: error.to_string(),
            });
        }
    };
    if metadata.is_dir() {
        let mut errors = Vec::new();
        let found = walk_directory(&path, &mut errors, exclude, cwd);
        if found.is_empty() {
            errors.push(InputError::NoConfigFiles(shown()));
        }
        Expansion::Directory(found, errors)
    } else if !metadata.is_file() {
        Expansion::Error(InputError::NotAFile(shown()))
    } else {
        match Format::from_path(&path) {
            Some(format) => Expansion::Input(Input::File {
                display: shown(),
                path,
                format,
                walked: false,
                directory: None,
            }),
            None => Expansion::Error(InputError::UnknownExtension(shown())),
        }
    }
}

fn walk_directory(
    root: &Path,
    errors: &mut Vec<InputError>,
    exclude: Exclude<'_>,
    cwd: &[PathBuf],
) -> Vec<Input> {
    let display_path = |path: &Path| shown_path(path, cwd);
    let mut found = Vec::new();
    let mut handles = WalkHandles::default();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| !is_hidden(entry) && (entry.depth() == 0 || !exclude(entry.path())));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = display_path(error.path().unwrap_or(root));
                errors.push(InputError::Unreadable {
                    path,
                    reason: error.to_string(),
                });
                continue;
            }
        };
        // The name alone: its extension is the path's, found without parsing the whole path.
        let name = entry.file_name();
        let Some(format) = Format::from_path(Path::new(name)) else {
            continue;
        };
        // A symbolic link counts when it points at a regular file; one that points nowhere (its
        // target missing, or a loop) is a configuration file that cannot be read, not something
        // to skip in silence: the run would pass without checking it.
        let is_file = entry.file_type().is_file()
            || (entry.path_is_symlink()
                && match fs::metadata(entry.path()) {
                    Ok(metadata) => metadata.is_file(),
                    Err(error) => {
                        errors.push(InputError::Unreadable {
                            path: display_path(entry.path()),
                            reason: error.to_string(),
                        });
                        false
                    }
                });
        if is_file {
            let display = display_path(entry.path());
            let directory = handles.for_file(entry.path(), name);
            found.push(Input::File {
                display,
                path: entry.into_path(),
                format,
                walked: true,
                directory,
            });
        }
    }
    // Directory order is the file system's; the report is ordered by path.
    found.par_sort_unstable_by(|a, b| a.display().cmp(b.display()));
    found
}

/// The text of one input, decoded, with its line index.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub name: String,
    pub format: Format,
    pub text: String,
    pub lines: LineIndex,
    /// The file's path as it was opened, when the text is a file's: `name` is the path as shown
    /// (`shown_path`), which may have lost the directories above the working directory.
    pub path: Option<PathBuf>,
}

impl SourceText {
    pub fn new(name: impl Into<String>, format: Format, text: String) -> SourceText {
        let lines = LineIndex::new(&text);
        SourceText {
            name: name.into(),
            format,
            text,
            lines,
            path: None,
        }
    }

    /// The same text, read from the file at `path`.
    #[must_use]
    pub fn from_file(mut self, path: &Path) -> SourceText {
        self.path = Some(path.to_path_buf());
        self
    }

    pub fn position(&self, byte: usize) -> Position {
        self.lines.position(&self.text, byte)
    }
}

/// Why the bytes of an input cannot be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeProblem {
    /// More bytes than the limit; `size` is known when the file system reported it.
    TooLarge { limit: u64, size: Option<u64> },
    /// Invalid UTF-8 at byte `offset`; `text` is the lossy text for a snippet.
    NotUtf8 {
        offset: usize,
        text: String,
        hint: Option<&'static str>,
    },
}

/// Reads the bytes of an input, never more than `limit + 1` of them.
pub fn read_bytes(input: &Input, limit: u64) -> Result<Vec<u8>, ReadFailure> {
    match input {
        Input::Stdin { .. } => read_bounded(io::stdin().lock(), limit, 0),
        Input::File {
            path,
            display,
            directory,
            ..
        } => {
            let unreadable = |error: io::Error| {
                ReadFailure::Input(InputError::Unreadable {
                    path: display.clone(),
                    reason: error.to_string(),
                })
            };
            let opened = match (directory, path.file_name()) {
                (Some(directory), Some(name)) => directory.open_file(name),
                _ => open_without_blocking(path),
            };
            let file = opened.map_err(unreadable)?;
            // What was opened is what counts: the path may have become a FIFO or a device since
            // it was looked at.
            let metadata = file.metadata().map_err(unreadable)?;
            if !metadata.is_file() {
                return Err(ReadFailure::Input(InputError::NotAFile(display.clone())));
            }
            let size = metadata.len();
            if size > limit {
                return Err(ReadFailure::Decode(DecodeProblem::TooLarge {
                    limit,
                    size: Some(size),
                }));
            }
            let read = read_file(file, limit, size as usize);
            read.map_err(|failure| match failure {
                ReadFailure::Input(InputError::Unreadable { reason, .. }) => {
                    ReadFailure::Input(InputError::Unreadable {
                        path: display.clone(),
                        reason,
                    })
                }
                other => other,
            })
        }
    }
}

/// Opens a file for reading without waiting: a FIFO without a writer would block a plain open
/// forever, and a terminal device must not become the process's controlling terminal. Reads of
/// a regular file are not affected by the flag.
fn open_without_blocking(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// What went wrong while reading.
#[derive(Debug)]
pub enum ReadFailure {
    /// The input cannot be read at all (exit 2).
    Input(InputError),
    /// The input was read but is not acceptable text (a diagnostic on the file).
    Decode(DecodeProblem),
}

/// Reads a file the file system says holds `expected` (at most `limit`) bytes: into a buffer of
/// that size plus one, so a file that has not changed is read in one call, and a read that
/// stops short exactly at the expected size is taken as the end. That spares the second call
/// `read_to_end` makes to see the end, one of five system calls per file. A file that turns out
/// longer, or a file system that returns short reads, only costs more calls; the limit still
/// holds.
fn read_file(mut file: fs::File, limit: u64, expected: usize) -> Result<Vec<u8>, ReadFailure> {
    let unreadable = |error: io::Error| {
        ReadFailure::Input(InputError::Unreadable {
            path: "-".to_owned(),
            reason: error.to_string(),
        })
    };
    let mut bytes = vec![0; expected.saturating_add(1)];
    let mut filled = 0;
    loop {
        if filled == bytes.len() {
            if filled as u64 > limit {
                return Err(ReadFailure::Decode(DecodeProblem::TooLarge {
                    limit,
                    size: None,
                }));
            }
            // Grown since it was measured: double, but never past the limit (plus one to see it).
            let grown = filled
                .saturating_mul(2)
                .min(limit.saturating_add(1) as usize);
            bytes.resize(grown.max(filled + 1), 0);
        }
        let read = match file.read(&mut bytes[filled..]) {
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(unreadable(error)),
        };
        filled += read;
        let short = filled < bytes.len();
        if read == 0 || (short && filled == expected) {
            break;
        }
    }
    bytes.truncate(filled);
    if filled as u64 > limit {
        return Err(ReadFailure::Decode(DecodeProblem::TooLarge {
            limit,
            size: None,
        }));
    }
    Ok(bytes)
}

fn read_bounded(reader: impl Read, limit: u64, expected: usize) -> Result<Vec<u8>, ReadFailure> {
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| {
            ReadFailure::Input(InputError::Unreadable {
                path: "-".to_owned(),
                reason: error.to_string(),
            })
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::Decode(DecodeProblem::TooLarge {
            limit,
            size: None,
        }));
    }
    Ok(bytes)
}

/// Decodes UTF-8 and drops a leading byte order mark.
pub fn decode(bytes: Vec<u8>) -> Result<String, DecodeProblem> {
    let hint = match bytes.as_slice() {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => Some("it starts with a UTF-16 byte order mark"),
        _ => None,
    };
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{FEFF}') {
                text.drain(..'\u{FEFF}'.len_utf8());
            }
            Ok(text)
        }
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            Err(DecodeProblem::NotUtf8 { offset, text, hint })
        }
    }
}

/// A 1-based line and column; columns count Unicode characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts. A line ends at `\n`, `\r\n` or a lone `\r` (as YAML reads them).
///
/// Columns count characters, so a position on a long line of a non-ASCII text would count every
/// character from the line's start: once per diagnostic, quadratic for a 1 MiB one-line file full
/// of findings. Character counts at fixed byte strides bound that count to one stride.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before every `CHAR_STRIDE`-th byte; empty when the text is ASCII (a column is
    /// then a byte distance).
    chars_before: Vec<usize>,
}

/// Bytes between two character counts in `LineIndex::chars_before`.
const CHAR_STRIDE: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
        starts.push(0);
        for index in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // `\r\n` ends a line at its `\n`; a lone `\r` ends one too.
            if bytes[index] == b'\n' || bytes.get(index + 1) != Some(&b'\n') {
                starts.push(index + 1);
            }
        }
        let mut chars_before = Vec::new();
        if !text.is_ascii() {
            let mut count = 0;
            chars_before.push(0);
            for stride in bytes.chunks(CHAR_STRIDE) {
                count += count_chars(stride);
                chars_before.push(count);
            }
        }
        LineIndex {
            starts,
            chars_before,
        }
    }

    /// The position of a byte offset (clamped to the text, and to a character boundary).
    pub fn position(&self, text: &str, byte: usize) -> Position {
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self.line_of(byte);
        let start = self.starts[line];
        Position {
            line: line + 1,
            column: self.chars_between(text, start, byte) + 1,
        }
    }

    /// The characters in `text[start..end]` (both character boundaries).
    fn chars_between(&self, text: &str, start: usize, end: usize) -> usize {
        if self.chars_before.is_empty() {
            end - start
        } else if end - start <= CHAR_STRIDE {
            count_chars(&text.as_bytes()[start..end])
        } else {
            self.chars_up_to(text, end) - self.chars_up_to(text, start)
        }
    }

    /// The characters in `text[..end]`.
    fn chars_up_to(&self, text: &str, end: usize) -> usize {
        let stride = end / CHAR_STRIDE;
        self.chars_before[stride] + count_chars(&text.as_bytes()[stride * CHAR_STRIDE..end])
    }

    /// The 0-based line a byte offset is on.
    pub fn line_of(&self, byte: usize) -> usize {
        self.starts.partition_point(|start| *start <= byte) - 1
    }

    /// Byte offset of the start of a 0-based line, if the line exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// The characters that start in these bytes of UTF-8 (every byte but continuation bytes), so a
/// stride may cut a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|byte| (**byte & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_paths_drop_leading_dots_and_the_working_directory() {
        let cwd = [PathBuf::from("/work/repo"), PathBuf::from("/home/me/repo")];
        for (given, shown) in [
            ("./config/a.yaml", "config/a.yaml"),
            ("././config/a.yaml", "config/a.yaml"),
            (".//./config/a.yaml", "config/a.yaml"),
            ("config/a.yaml", "config/a.yaml"),
            ("config/./a.yaml", "config/./a.yaml"),
            ("../other/a.yaml", "../other/a.yaml"),
            ("./../other/a.yaml", "../other/a.yaml"),
            (".hidden.yaml", ".hidden.yaml"),
            ("..yaml", "..yaml"),
            ("/work/repo/config/a.yaml", "config/a.yaml"),
            ("/work/repo/./config/a.yaml", "config/a.yaml"),
            ("/home/me/repo/a.yaml", "a.yaml"),
            // Not under it: as given.
            ("/work/repository/a.yaml", "/work/repository/a.yaml"),
            ("/work/repo/../other/a.yaml", "/work/repo/../other/a.yaml"),
            ("/elsewhere/a.yaml", "/elsewhere/a.yaml"),
            ("/work/repo", "/work/repo"),
            (".", "."),
            ("./", "./"),
            ("", ""),
        ] {
            assert_eq!(shown_path(Path::new(given), &cwd), shown, "{given}");
        }
        assert_eq!(
            shown_path(Path::new("/work/repo/a.yaml"), &[]),
            "/work/repo/a.yaml"
        );
    }

    #[cfg(windows)]
    #[test]
    fn shown_paths_on_windows_use_slashes() {
        let cwd = [PathBuf::from(r"C:\work\repo")];
        assert_eq!(
            shown_path(Path::new(r".\config\a.yaml"), &cwd),
            "config/a.yaml"
        );
        assert_eq!(
            shown_path(Path::new(r"C:\work\repo\a.yaml"), &cwd),
            "a.yaml"
        );
        assert_eq!(shown_path(Path::new(r"D:\a.yaml"), &cwd), "D:/a.yaml");
    }

    #[test]
    fn positions_count_characters_and_lines() {
        let text = "a: b\r\nclé: ü\rz";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        let value = text.find('ü').unwrap();
        assert_eq!(index.position(text, value), Position { line: 2, column: 6 });
        let last = text.find('z').unwrap();
        assert_eq!(index.position(text, last), Position { line: 3, column: 1 });
        assert_eq!(
            index.position(text, text.len() + 10),
            Position { line: 3, column: 2 }
        );
    }

    /// Columns on lines longer than a stride, in ASCII and non-ASCII texts, are the characters
    /// counted from the line's start.
    #[test]
    fn columns_on_long_lines_count_characters() {
        let long = |unit: &str| {
            let mut text = String::from("first line\n");
            for index in 0..3 * CHAR_STRIDE {
                text.push_str(if index % 7 == 0 { unit } else { "a" });
            }
            text.push_str("\r\nend é\n");
            text
        };
        for text in [long("b"), long("é"), long("🦀"), long("€")] {
            let index = LineIndex::new(&text);
            // Every 61st character, and the last ones: a scan per position is slow.
            let chars: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
            let sampled = chars.iter().step_by(61).chain(&chars[chars.len() - 12..]);
            for &byte in sampled {
                let line_start = text[..byte].rfind('\n').map_or(0, |at| at + 1);
                let expected = text[line_start..byte].chars().count() + 1;
                let line = text[..byte].matches('\n').count() + 1;
                assert_eq!(
                    index.position(&text, byte),
                    Position {
                        line,
                        column: expected
                    },
                    "byte {byte}"
                );
            }
        }
    }

    #[test]
    fn decode_strips_bom_and_reports_invalid_offset() {
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1".to_vec()).unwrap(), "a: 1");
        match decode(b"ab\xFFc".to_vec()) {
            Err(DecodeProblem::NotUtf8 { offset, .. }) => assert_eq!(offset, 2),
            other => panic!("unexpected {other:?}"),
        }
        match decode(b"\xFF\xFEa\x00".to_vec()) {
            Err(DecodeProblem::NotUtf8 { hint, .. }) => assert!(hint.is_some()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn bounded_read_refuses_more_than_the_limit() {
        let data = vec![b'a'; 11];
        assert!(matches!(
            read_bounded(data.as_slice(), 10, 0),
            Err(ReadFailure::Decode(DecodeProblem::TooLarge { .. }))
        ));
        assert_eq!(read_bounded(&data[..10], 10, 10).unwrap().len(), 10);
    }

    /// A path checked as a regular file can be something else by the time it is opened (swapped
    /// by another process after the walk or the metadata check): what was opened is refused, and
    /// a FIFO without a writer does not block the open.
    #[cfg(unix)]
    #[test]
    fn what_was_opened_is_checked_not_what_was_looked_at() {
        let swapped = |path: PathBuf| Input::File {
            path,
            display: "swapped.yaml".to_owned(),
            format: Format::Yaml,
            walked: false,
            directory: None,
        };
        let refused = |result: Result<Vec<u8>, ReadFailure>| matches!(result, Err(ReadFailure::Input(InputError::NotAFile(name))) if name == "swapped.yaml");
        // A device: it would read zeros up to the limit and be reported as too large.
        assert!(refused(read_bytes(&swapped("/dev/zero".into()), 1024)));
        // A directory.
        let dir = tempfile::tempdir().unwrap();
        assert!(refused(read_bytes(&swapped(dir.path().to_owned()), 1024)));

        let fifo = dir.path().join("pipe.yaml");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        // A hang guard, not a timing assertion: should the open block, a writer arrives after a
        // minute and lets it end, so the assertion below fails instead of the test hanging.
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let guard = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                if finished
                    .recv_timeout(std::time::Duration::from_secs(60))
                    .is_err()
                {
                    let _ = fs::OpenOptions::new().write(true).open(&fifo);
                }
            })
        };
        let result = read_bytes(&swapped(fifo), 1024);
        let _ = done.send(());
        guard.join().unwrap();
        assert!(refused(result));
    }

    /// Files found by a walk are opened through their directory's handle, with the same checks:
    /// a file swapped for a FIFO or a directory after the walk is refused without blocking, and
    /// one that vanished is reported in the words a path open gives.
    #[cfg(unix)]
    #[test]
    fn walked_files_opened_through_their_directory_are_checked_as_opened() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.yaml", "b.yaml", "c.yaml", "d.yaml"] {
            std::fs::write(dir.path().join(name), format!("name: {name}\n")).unwrap();
        }
        let (inputs, errors) = collect_inputs(&[dir.path().display().to_string()], Format::Yaml);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(inputs.len(), 4);
        let through_handle: Vec<usize> = (0..inputs.len())
            .filter(|index| {
                matches!(
                    inputs[*index],
                    Input::File {
                        directory: Some(_),
                        ..
                    }
                )
            })
            .collect();
        assert_eq!(
            through_handle.len(),
            3,
            "every file but a directory's first"
        );
        let read = |index: usize| read_bytes(&inputs[index], 1024);
        let path_of = |index: usize| match &inputs[index] {
            Input::File { path, .. } => path.clone(),
            Input::Stdin { .. } => unreachable!(),
        };
        for index in 0..4 {
            let name = path_of(index)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            assert_eq!(read(index).unwrap(), format!("name: {name}\n").into_bytes());
        }
        let not_a_file = |result: Result<Vec<u8>, ReadFailure>| {
            matches!(result, Err(ReadFailure::Input(InputError::NotAFile(_))))
        };
        let fifo = path_of(through_handle[0]);
        std::fs::remove_file(&fifo).unwrap();
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        // A hang guard, as above: a writer after a minute unblocks a blocking open.
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let guard = std::thread::spawn(move || {
            if finished
                .recv_timeout(std::time::Duration::from_secs(60))
                .is_err()
            {
                let _ = fs::OpenOptions::new().write(true).open(&fifo);
            }
        });
        let result = read(through_handle[0]);
        let _ = done.send(());
        guard.join().unwrap();
        assert!(not_a_file(result));

        let swapped = through_handle[1];
        std::fs::remove_file(path_of(swapped)).unwrap();
        std::fs::create_dir(path_of(swapped)).unwrap();
        assert!(not_a_file(read(swapped)));

        let vanished = through_handle[2];
        std::fs::remove_file(path_of(vanished)).unwrap();
        let by_path = fs::File::open(path_of(vanished)).unwrap_err().to_string();
        assert!(
            matches!(read(vanished), Err(ReadFailure::Input(InputError::Unreadable { reason, .. })) if reason == by_path)
        );
    }

    /// The one-call read gets every byte whatever size the metadata claimed (a file that grew or
    /// shrank after it was measured, or a `/proc` file that claims 0), and keeps to the limit.
    #[test]
    fn file_read_takes_every_byte_whatever_the_expected_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        let content: Vec<u8> = (0..5000u32).map(|index| (index % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        for expected in [0, 1, 7, 4096, 4999, 5000, 5001, 9000] {
            let file = fs::File::open(&path).unwrap();
            let read = read_file(file, 10_000, expected).unwrap();
            assert!(read == content, "expected size {expected}");
        }
        for limit in [0, 10, 4999] {
            let file = fs::File::open(&path).unwrap();
            assert!(
                matches!(
                    read_file(file, limit, limit as usize),
                    Err(ReadFailure::Decode(DecodeProblem::TooLarge { .. }))
                ),
                "limit {limit}"
            );
        }
        let file = fs::File::open(&path).unwrap();
        assert_eq!(read_file(file, 5000, 5000).unwrap().len(), 5000);
    }
}
