//! Which bytes of interest a text holds, found in one pass. Every key, value and message of every
//! file is asked several such questions (a `~` for the Entra marker, a `\` for an escape, a `:` for
//! a workflow command, a control character...), most of them short texts that hold none of those
//! bytes: one table lookup per byte answers all the questions at once, for less than one `memchr`
//! call costs on a short text. A mark only says that a closer look is needed.

/// The kinds of bytes a text holds (a set of the constants below).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marks(u16);

impl Marks {
    /// A C0 control other than tab and the line ends, or DEL: a hidden character by itself (an
    /// ASCII byte never stands inside a longer UTF-8 sequence).
    pub const CONTROL: Marks = Marks(1);
    /// `\n` or `\r`.
    pub const LINE_END: Marks = Marks(1 << 1);
    /// The lead byte of a C1 control (`C2`), of a separator or bidi character (`E2`, `D8`):
    /// the character needs reading.
    pub const HIDDEN_LEAD: Marks = Marks(1 << 2);
    pub const COLON: Marks = Marks(1 << 3);
    pub const HASH: Marks = Marks(1 << 4);
    pub const BACKSLASH: Marks = Marks(1 << 5);
    pub const TILDE: Marks = Marks(1 << 6);
    pub const PERCENT: Marks = Marks(1 << 7);
    pub const DOLLAR: Marks = Marks(1 << 8);

    /// The marks of a text.
    pub fn of(text: &[u8]) -> Marks {
        Marks(
            text.iter()
                .fold(0, |marks, &byte| marks | TABLE[usize::from(byte)]),
        )
    }

    /// Whether the text holds any of the kinds in `kinds`.
    pub fn any(self, kinds: Marks) -> bool {
        self.0 & kinds.0 != 0
    }
}

impl std::ops::BitOr for Marks {
    type Output = Marks;

    fn bitor(self, other: Marks) -> Marks {
        Marks(self.0 | other.0)
    }
}

/// The mark of every byte value.
static TABLE: [u16; 256] = table();

const fn mark(byte: u8) -> Marks {
    match byte {
        b'\t' => Marks(0),
        b'\n' | b'\r' => Marks::LINE_END,
        0..0x20 | 0x7f => Marks::CONTROL,
        0xc2 | 0xe2 | 0xd8 => Marks::HIDDEN_LEAD,
        b':' => Marks::COLON,
        b'#' => Marks::HASH,
        b'\\' => Marks::BACKSLASH,
        b'~' => Marks::TILDE,
        b'%' => Marks::PERCENT,
        b'$' => Marks::DOLLAR,
        _ => Marks(0),
    }
}

const fn table() -> [u16; 256] {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = mark(byte as u8).0;
        byte += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_byte_is_marked_by_its_kind() {
        let kinds = [
            (Marks::LINE_END, "\n\r"),
            (Marks::COLON, ":"),
            (Marks::HASH, "#"),
            (Marks::BACKSLASH, "\\"),
            (Marks::TILDE, "~"),
            (Marks::PERCENT, "%"),
            (Marks::DOLLAR, "$"),
        ];
        for byte in 0..=255u8 {
            let marks = Marks(TABLE[usize::from(byte)]);
            let control = (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r')) || byte == 0x7f;
            assert_eq!(marks.any(Marks::CONTROL), control, "{byte:#x}");
            assert_eq!(
                marks.any(Marks::HIDDEN_LEAD),
                matches!(byte, 0xc2 | 0xe2 | 0xd8),
                "{byte:#x}"
            );
            for (kind, bytes) in kinds {
                assert_eq!(
                    marks.any(kind),
                    bytes.as_bytes().contains(&byte),
                    "{byte:#x}"
                );
            }
        }
        assert_eq!(Marks::of(b""), Marks(0));
        assert_eq!(Marks::of(b"plain text\t"), Marks(0));
        let marks = Marks::of("a:b~c\u{2028}".as_bytes());
        assert!(marks.any(Marks::COLON) && marks.any(Marks::TILDE));
        assert!(marks.any(Marks::HIDDEN_LEAD) && !marks.any(Marks::HASH));
    }
}
