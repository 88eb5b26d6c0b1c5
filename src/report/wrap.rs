//! Where the human format may break a line of a message or help: at spaces, and nowhere else.
//!
//! miette's default wrapping follows Unicode's line-breaking rules and hyphenates, so a URL broke
//! as `…/auth/` + `callback` and a command as `UTF-` + `8`. Here a word runs from one space to the
//! next, a span in backticks (a command, a key with its value) is one word however many spaces it
//! holds, and no word is ever split: a URL, a path or a code longer than the line stays whole and
//! overruns it, which a terminal shows and a copy keeps.

use textwrap::core::Word;

/// The word separator for `textwrap` (`WordSeparator::Custom`).
pub fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    Box::new(Words { rest: line })
}

/// `words` as the separator miette wraps with.
pub fn separator() -> textwrap::WordSeparator {
    textwrap::WordSeparator::Custom(words)
}

struct Words<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let bytes = self.rest.as_bytes();
        let mut at = 0;
        let mut after_space = false;
        while at < bytes.len() {
            match bytes[at] {
                b' ' => {
                    after_space = true;
                    at += 1;
                }
                _ if after_space => break,
                // A backtick without its closing one opens nothing: the text after it wraps as
                // any other.
                b'`' => match memchr::memchr(b'`', &bytes[at + 1..]) {
                    Some(close) => at += close + 2,
                    None => at += 1,
                },
                _ => at += 1,
            }
        }
        // Spaces and backticks are ASCII: `at` is at a character boundary.
        let (word, rest) = self.rest.split_at(at);
        self.rest = rest;
        Some(Word::from(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Vec<(&str, &str)> {
        words(line)
            .map(|word| (word.word, word.whitespace))
            .collect()
    }

    #[test]
    fn words_run_from_space_to_space() {
        assert_eq!(
            split("register https://api.acme.appmixer.cloud/auth/x/callback on UTF-8  files"),
            [
                ("register", " "),
                ("https://api.acme.appmixer.cloud/auth/x/callback", " "),
                ("on", " "),
                ("UTF-8", "  "),
                ("files", ""),
            ]
        );
    }

    #[test]
    fn a_backticked_span_is_one_word() {
        assert_eq!(
            split("run `iconv -f UTF-16 -t UTF-8`, then `a b`c d"),
            [
                ("run", " "),
                ("`iconv -f UTF-16 -t UTF-8`,", " "),
                ("then", " "),
                ("`a b`c", " "),
                ("d", ""),
            ]
        );
    }

    #[test]
    fn an_unclosed_backtick_wraps_as_plain_text() {
        assert_eq!(split("a `b c"), [("a", " "), ("`b", " "), ("c", "")]);
    }

    #[test]
    fn leading_spaces_and_characters_outside_ascii() {
        assert_eq!(
            split("  é `ü ö` 🦀"),
            [("", "  "), ("é", " "), ("`ü ö`", " "), ("🦀", "")]
        );
    }

    /// Every word, whitespace and all, put back together is the line.
    #[test]
    fn the_words_are_the_whole_line() {
        for line in [
            "",
            " ",
            "a",
            "`",
            "``",
            "a ` b ` c `",
            "x  `y  z`  ",
            "é`é é`é é",
        ] {
            let joined: String = words(line)
                .map(|word| format!("{}{}", word.word, word.whitespace))
                .collect();
            assert_eq!(joined, line);
        }
    }
}
