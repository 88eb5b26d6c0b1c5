//! Characters that do not belong in an id, a secret or a URI, described so an admin can find
//! them: `U+200B ZERO WIDTH SPACE at character 33`. Copied values carry invisible characters
//! from chat tools, word processors and web pages; an editor does not show them, so a message
//! that only says "not a GUID" leaves the admin staring at a value that looks right.
//!
//! Positions count characters of the value (1-based), as a value from the environment has no
//! column in any file.

use unicode_general_category::{GeneralCategory, get_general_category};

/// Whether a character is invisible, or not there as itself, in an editor: whitespace, control
/// and format characters (zero-width space, soft hyphen, byte order mark, direction marks), and
/// the default-ignorable fillers and selectors that render as nothing.
pub fn is_invisible(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_whitespace() || c.is_ascii_control();
    }
    matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::SpaceSeparator
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || matches!(
        c,
        // Combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian and
        // other variation selectors: default-ignorable code points that are not `Format`.
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// `U+200B ZERO WIDTH SPACE`: the code point and its Unicode name (or, for a control character,
/// its usual alias).
pub fn name(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    let alias = match c {
        '\t' => Some("CHARACTER TABULATION (a tab)"),
        '\n' => Some("LINE FEED (a line break)"),
        '\r' => Some("CARRIAGE RETURN"),
        '\u{0}' => Some("NULL"),
        '\u{7F}' => Some("DELETE"),
        '\u{85}' => Some("NEXT LINE"),
        _ => None,
    };
    match alias {
        Some(alias) => format!("{code} {alias}"),
        None => match unicode_names2::name(c) {
            Some(name) => format!("{code} {name}"),
            None if c.is_control() => format!("{code} (a control character)"),
            None => code,
        },
    }
}

/// `U+200B ZERO WIDTH SPACE at character 33`.
pub fn name_at(c: char, position: usize) -> String {
    format!("{} at character {position}", name(c))
}

/// The first character (1-based position) for which `unwanted` holds.
pub fn first(value: &str, unwanted: impl Fn(char) -> bool) -> Option<(usize, char)> {
    value
        .chars()
        .enumerate()
        .find(|(_, c)| unwanted(*c))
        .map(|(index, c)| (index + 1, c))
}

/// The ASCII character a non-ASCII one is mistaken for, when it is one of the look-alikes that
/// reach configurations: full-width forms and ideographic full stops (from East Asian input
/// methods), Cyrillic and Greek letters that share a Latin shape, typographic dashes.
pub fn ascii_look_alike(c: char) -> Option<char> {
    let code = u32::from(c);
    // Full-width ASCII, U+FF01..U+FF5E, sits 0xFEE0 above ASCII.
    if (0xFF01..=0xFF5E).contains(&code) {
        return char::from_u32(code - 0xFEE0);
    }
    Some(match c {
        '\u{3002}' | '\u{FF61}' | '\u{FF0E}' => '.',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        // Cyrillic
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'һ' => 'h',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        // Greek
        'ο' => 'o',
        'ν' => 'v',
        'ι' => 'i',
        'κ' => 'k',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Χ' => 'X',
        'Ζ' => 'Z',
        _ => return None,
    })
}

/// A description of a character that does not belong: its name and position, and what it is
/// mistaken for (`U+0430 CYRILLIC SMALL LETTER A at character 9, which looks like `a``).
pub fn describe_at(c: char, position: usize) -> String {
    let mut text = name_at(c, position);
    if is_invisible(c) && !matches!(c, ' ' | '\t' | '\n' | '\r') {
        text.push_str(" (invisible)");
    } else if let Some(ascii) = ascii_look_alike(c) {
        text.push_str(&format!(", which looks like `{ascii}`"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_unicode_standard() {
        assert_eq!(name('\u{200B}'), "U+200B ZERO WIDTH SPACE");
        assert_eq!(name('\u{AD}'), "U+00AD SOFT HYPHEN");
        assert_eq!(name('\u{3002}'), "U+3002 IDEOGRAPHIC FULL STOP");
        assert_eq!(name('а'), "U+0430 CYRILLIC SMALL LETTER A");
        assert_eq!(name('\t'), "U+0009 CHARACTER TABULATION (a tab)");
        assert_eq!(name('\u{1}'), "U+0001 (a control character)");
        assert_eq!(
            name_at('\u{200B}', 33),
            "U+200B ZERO WIDTH SPACE at character 33"
        );
    }

    #[test]
    fn invisible_characters() {
        for c in [
            ' ',
            '\t',
            '\n',
            '\u{7F}',
            '\u{A0}',
            '\u{AD}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{200E}',
            '\u{202E}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{3000}',
            '\u{2028}',
            '\u{FE0F}',
            '\u{3164}',
            '\u{E0020}',
        ] {
            assert!(is_invisible(c), "{}", name(c));
        }
        for c in ['a', '-', '~', 'é', 'а', '。', '０'] {
            assert!(!is_invisible(c), "{}", name(c));
        }
    }

    #[test]
    fn look_alikes() {
        assert_eq!(ascii_look_alike('０'), Some('0'));
        assert_eq!(ascii_look_alike('Ｏ'), Some('O'));
        assert_eq!(ascii_look_alike('。'), Some('.'));
        assert_eq!(ascii_look_alike('\u{2013}'), Some('-'));
        assert_eq!(ascii_look_alike('а'), Some('a'));
        assert_eq!(ascii_look_alike('é'), None);
        assert_eq!(
            describe_at('а', 9),
            "U+0430 CYRILLIC SMALL LETTER A at character 9, which looks like `a`"
        );
        assert_eq!(
            describe_at('\u{200B}', 2),
            "U+200B ZERO WIDTH SPACE at character 2 (invisible)"
        );
        assert_eq!(first("ab\u{200B}c", is_invisible), Some((3, '\u{200B}')));
    }
}
