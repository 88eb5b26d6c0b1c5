//! `--app-registration FILE`: the registrations offline, from what `az ad app show --id <clientId>`
//! prints (one application object) or a list of them (`az ad app list`, or objects gathered by
//! hand), matched to records by `appId`. The file is read and judged whole before anything else
//! happens, so a bad one stops the run (exit 2) before a single request is sent.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::model::{self, Application, Property};

/// The largest file read: `az ad app show` prints a few KiB per app, so this holds thousands of
/// apps and still refuses a wrong file quickly.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// The application objects of one file, in file order.
#[derive(Debug)]
pub struct Registrations {
    /// The path as given, for messages.
    pub path: String,
    pub apps: Vec<Application>,
}

/// Why a registration file cannot be used: a usage error (exit 2), naming the file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileError {
    #[error("--app-registration {path}: cannot read the file: {reason}")]
    Unreadable { path: String, reason: String },
    #[error(
        "--app-registration {path}: the file is larger than {} MiB, more than any app registration; pass the output of `az ad app show --id <clientId>` for the apps you check", MAX_FILE_SIZE / 1024 / 1024
    )]
    TooLarge { path: String },
    #[error(
        "--app-registration {path}: the file is UTF-16 (as PowerShell 5 writes with `>`); write it as UTF-8, e.g. `az ad app show --id <clientId> | Out-File -Encoding utf8 app.json`"
    )]
    Utf16 { path: String },
    #[error(
        "--app-registration {path}: not an application object: {detail}; write it with `az ad app show --id <clientId> > app.json`"
    )]
    Shape { path: String, detail: String },
    #[error("--app-registration {path}: the file holds no application object (an empty list)")]
    Empty { path: String },
    #[error(
        "--app-registration {path}: {which} is a service principal (`az ad sp show`, an Enterprise application), not the app registration; write the application with `az ad app show --id <clientId> > app.json`"
    )]
    ServicePrincipal { path: String, which: String },
    #[error(
        "--app-registration {path}: {which} has the Azure AD Graph shape (`replyUrls`) that Azure CLI printed before version 2.37; update Azure CLI and run `az ad app show --id <clientId> > app.json` again"
    )]
    LegacyShape { path: String, which: String },
    #[error(
        "--app-registration {path}: {which} has no `appId`, so it cannot be matched to a record"
    )]
    NoAppId { path: String, which: String },
    #[error(
        "--app-registration {path}: the app `{app_id}` appears twice ({first} and {second}); keep one"
    )]
    Duplicate {
        path: String,
        app_id: String,
        first: String,
        second: String,
    },
}

/// Reads and checks a registration file.
pub fn load(path: &Path) -> Result<Registrations, FileError> {
    let shown = path.display().to_string();
    let bytes = read_bounded(path).map_err(|failure| match failure {
        Failure::TooLarge => FileError::TooLarge {
            path: shown.clone(),
        },
        Failure::Io(error) => FileError::Unreadable {
            path: shown.clone(),
            reason: error.to_string(),
        },
    })?;
    parse(&shown, &bytes)
}

enum Failure {
    TooLarge,
    Io(std::io::Error),
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, Failure> {
    let file = std::fs::File::open(PathBuf::from(path)).map_err(Failure::Io)?;
    if file.metadata().is_ok_and(|metadata| metadata.is_dir()) {
        return Err(Failure::Io(std::io::Error::other("it is a directory")));
    }
    let mut bytes = Vec::new();
    // One byte past the limit tells a file of exactly the limit from a larger one.
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(Failure::Io)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Failure::TooLarge);
    }
    Ok(bytes)
}

/// Checks the text of a registration file (`path` only names it in errors).
pub fn parse(path: &str, bytes: &[u8]) -> Result<Registrations, FileError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(FileError::Utf16 {
            path: path.to_owned(),
        });
    }
    let shape = |error: model::ShapeError| FileError::Shape {
        path: path.to_owned(),
        detail: error.to_string(),
    };
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let listed = text.trim_ascii_start().first() == Some(&b'[');
    let apps = if listed {
        model::parse::<Vec<Application>>(text).map_err(shape)?
    } else {
        vec![model::parse::<Application>(text).map_err(shape)?]
    };
    if apps.is_empty() {
        return Err(FileError::Empty {
            path: path.to_owned(),
        });
    }
    let which = |index: usize| {
        if listed {
            format!("item {index} of the list")
        } else {
            "the object".to_owned()
        }
    };
    for (index, app) in apps.iter().enumerate() {
        if !app.service_principal_type.is_absent() || !app.app_owner_organization_id.is_absent() {
            return Err(FileError::ServicePrincipal {
                path: path.to_owned(),
                which: which(index),
            });
        }
        if !app.reply_urls.is_absent() && app.web.is_absent() {
            return Err(FileError::LegacyShape {
                path: path.to_owned(),
                which: which(index),
            });
        }
        let Property::Value(app_id) = &app.app_id else {
            return Err(FileError::NoAppId {
                path: path.to_owned(),
                which: which(index),
            });
        };
        if !crate::rules::is_guid(app_id.trim()) {
            return Err(FileError::Shape {
                path: path.to_owned(),
                detail: format!(
                    "the `appId` of {} is not a GUID, as every Application (client) ID is",
                    which(index)
                ),
            });
        }
        if let Some(earlier) = apps[..index].iter().position(|other| {
            other
                .app_id
                .value()
                .is_some_and(|id| id.trim().eq_ignore_ascii_case(app_id.trim()))
        }) {
            return Err(FileError::Duplicate {
                path: path.to_owned(),
                app_id: app_id.trim().to_owned(),
                first: which(earlier),
                second: which(index),
            });
        }
    }
    Ok(Registrations {
        path: path.to_owned(),
        apps,
    })
}

impl Registrations {
    /// The application whose `appId` is `client_id` (GUIDs compare in any letter case).
    pub fn find(&self, client_id: &str) -> Option<&Application> {
        self.apps.iter().find(|app| {
            app.app_id
                .value()
                .is_some_and(|id| id.trim().eq_ignore_ascii_case(client_id.trim()))
        })
    }

    /// "`a`, `b` and 3 more": the app ids of the file, for a record whose app is not in it.
    pub fn listed_ids(&self) -> String {
        let ids: Vec<String> = self
            .apps
            .iter()
            .filter_map(|app| app.app_id.value())
            .take(3)
            .map(|id| format!("`{}`", id.trim()))
            .collect();
        let more = self.apps.len().saturating_sub(3);
        if more > 0 {
            format!("{} and {more} more", ids.join(", "))
        } else {
            ids.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "11111111-2222-4333-8444-555555555555";

    fn error(text: &str) -> String {
        match parse("app.json", text.as_bytes()) {
            Ok(_) => panic!("accepted: {text}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn one_object_or_a_list() {
        let one = parse("app.json", format!(r#"{{"appId":"{ID}"}}"#).as_bytes()).expect("one");
        assert!(one.find(&ID.to_uppercase()).is_some());
        let list = parse(
            "app.json",
            format!(r#" [{{"appId":"{ID}"}}, {{"appId":"22222222-2222-4333-8444-555555555555"}}]"#)
                .as_bytes(),
        )
        .expect("list");
        assert_eq!(list.apps.len(), 2);
        assert!(list.listed_ids().contains(ID));
    }

    #[test]
    fn bad_files_are_named_and_explained_without_values() {
        for (text, says) in [
            ("", "ends early"),
            ("not json", "not JSON"),
            ("[]", "no application object"),
            ("\"Zq7secret\"", "a string where an object belongs"),
            (r#"{"displayName":"x"}"#, "no `appId`"),
            (r#"{"appId":"Zq7-not-a-guid"}"#, "not a GUID"),
            (r#"{"appId":["Zq7"]}"#, "a list where a string belongs"),
            (
                &format!(r#"{{"appId":"{ID}","servicePrincipalType":"Application"}}"#),
                "service principal",
            ),
            (
                &format!(r#"{{"appId":"{ID}","replyUrls":["https://x"]}}"#),
                "Azure CLI printed before version 2.37",
            ),
            (
                &format!(
                    r#"[{{"appId":"{ID}"}},{{"appId":"{}"}}]"#,
                    ID.to_uppercase()
                ),
                "appears twice (item 0 of the list and item 1 of the list)",
            ),
            (
                &format!(r#"{{"appId":"{ID}","passwordCredentials":[{{"hint":{{"a":"Zq7"}}}}]}}"#),
                "`passwordCredentials[0].hint`: an object where a string belongs",
            ),
        ] {
            let message = error(text);
            assert!(
                message.starts_with("--app-registration app.json: "),
                "{message}"
            );
            assert!(message.contains(says), "{text}: {message}");
            assert!(!message.contains("Zq7"), "{message}");
        }
        let utf16 = parse("app.json", b"\xFF\xFE{\0}\0").expect_err("utf-16");
        assert!(utf16.to_string().contains("UTF-16"));
    }

    #[test]
    fn files_are_read_within_a_bound() {
        let dir = tempfile::tempdir().expect("dir");
        let missing = dir.path().join("missing.json");
        assert!(matches!(load(&missing), Err(FileError::Unreadable { .. })));
        assert!(matches!(
            load(dir.path()),
            Err(FileError::Unreadable { .. })
        ));
        let huge = dir.path().join("huge.json");
        let file = std::fs::File::create(&huge).expect("create");
        file.set_len(MAX_FILE_SIZE + 1).expect("size");
        assert!(matches!(load(&huge), Err(FileError::TooLarge { .. })));
    }
}
