//! Reading JSON text (RFC 8259) into a [`Value`]: one pass over the bytes, straight into
//! the value, with the nesting limit of 128. Whole numbers read as 64-bit integers (larger
//! ones as doubles), as serde_json reads them; a number with a fraction or an exponent is
//! read by the browser's `parseFloat` in the wasm (natively by `str::parse`; both round
//! correctly), so Rust's decimal-to-double tables stay out of the wasm. A failure says
//! where the text stopped being JSON (line and column), not why: no reader shows more.

use super::de::{Error, MAX_DEPTH};
use super::value::{Map, Number, Value, N};

/// Reads JSON text as a [`Value`]; nothing but white space may follow the value.
pub fn parse(text: &str) -> Result<Value, Error> {
    let mut reader = Reader { text, bytes: text.as_bytes(), at: 0 };
    let value = reader.value(0).and_then(|value| {
        reader.skip_space();
        if reader.at < reader.bytes.len() {
            Err(reader.at)
        } else {
            Ok(value)
        }
    });
    value.map_err(|at| where_it_stopped(text, at))
}

/// Where the text stopped being JSON, as serde_json counts: the line, and the column of
/// the byte that broke it (at the end of the text, the bytes of its last line).
fn where_it_stopped(text: &str, at: usize) -> Error {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = if at < text.len() { at + 1 - line_start } else { at - line_start };
    Error::new(format!("line {line}, column {column}"))
}

/// A step of reading: its result, or the offset of the byte where the text went wrong.
type Step<T> = Result<T, usize>;

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// Moves past `byte` when it comes next (after white space).
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let next = self.peek() == Some(byte);
        self.at += next as usize;
        next
    }

    fn value(&mut self, depth: u16) -> Step<Value> {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.at),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Step<Value> {
        for &expected in word.as_bytes() {
            if self.peek() != Some(expected) {
                return Err(self.at);
            }
            self.at += 1;
        }
        Ok(value)
    }

    /// Opens a container at `depth` (its first byte is next), refusing one too deep.
    fn open(&mut self, depth: u16) -> Step<()> {
        if depth >= MAX_DEPTH {
            return Err(self.at);
        }
        self.at += 1;
        Ok(())
    }

    /// After an item: `,` (more follow) or `close` (the container ends).
    fn more(&mut self, close: u8) -> Step<bool> {
        if self.eat(b',') {
            Ok(true)
        } else if self.eat(close) {
            Ok(false)
        } else {
            Err(self.at)
        }
    }

    fn array(&mut self, depth: u16) -> Step<Value> {
        self.open(depth)?;
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.value(depth + 1)?);
                if !self.more(b']')? {
                    break;
                }
            }
        }
        Ok(Value::Array(items))
    }

    fn object(&mut self, depth: u16) -> Step<Value> {
        self.open(depth)?;
        let mut members = Map::new();
        if !self.eat(b'}') {
            loop {
                self.skip_space();
                if self.peek() != Some(b'"') {
                    return Err(self.at);
                }
                let key = self.string()?;
                if !self.eat(b':') {
                    return Err(self.at);
                }
                let item = self.value(depth + 1)?;
                members.insert(key, item);
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        Ok(Value::Object(members))
    }

    /// A string; its opening quote is next.
    fn string(&mut self) -> Step<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            self.at = plain_run_end(self.bytes, start);
            // The run stops only at ASCII bytes, so it is whole characters.
            out.push_str(self.text.get(start..self.at).ok_or(start)?);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                // A control character, which must be escaped, or the end of the text.
                _ => return Err(self.at),
            }
        }
    }

    /// The escape after a backslash.
    fn escape(&mut self, out: &mut String) -> Step<()> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                return self.unicode(out);
            }
            _ => return Err(self.at),
        };
        self.at += 1;
        out.push(c);
        Ok(())
    }

    /// `\uXXXX`, after the `u`: a character, or a surrogate pair written as two escapes
    /// (a half on its own is refused, as serde_json refuses it).
    fn unicode(&mut self, out: &mut String) -> Step<()> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.at);
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.at);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.at),
            c => c,
        };
        out.push(char::from_u32(code).ok_or(self.at)?);
        Ok(())
    }

    fn hex4(&mut self) -> Step<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| (b as char).to_digit(16)).ok_or(self.at)?;
            n = n << 4 | digit;
            self.at += 1;
        }
        Ok(n)
    }

    fn digits(&mut self) -> Step<()> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.at);
        }
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        Ok(())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Step<Value> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        self.at += negative as usize;
        let digits_start = self.at;
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else {
            self.digits()?;
        }
        let whole_end = self.at;
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.digits()?;
        }
        if self.at == whole_end {
            // Written as a whole number: exact to 64 bits (-0 reads as a double, -0.0).
            let magnitude = self.bytes[digits_start..whole_end]
                .iter()
                .try_fold(0u64, |n, &d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')));
            match (negative, magnitude) {
                (false, Some(n)) => return Ok(Value::Number(Number(N::Unsigned(n)))),
                (true, Some(n @ 1..=0x8000_0000_0000_0000)) => {
                    return Ok(Value::Number(Number(N::Negative((n as i64).wrapping_neg()))))
                }
                _ => {}
            }
        }
        let double = read_double(&self.text[start..self.at]);
        if !double.is_finite() {
            // Too large for a double (1e400): refused, as serde_json refuses it.
            return Err(start);
        }
        Ok(Value::Number(Number(N::Float(double))))
    }
}

/// Where the run of plain string bytes from `start` ends: at the first quote, backslash or
/// control character (or the end). Eight bytes a step (a long string is mostly plain
/// text), each word tested for the three at once.
fn plain_run_end(bytes: &[u8], start: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    /// The high bit set in the first byte of `word` that is zero (bytes after it may be
    /// marked too; only the first counts).
    fn zero_byte(word: u64) -> u64 {
        word.wrapping_sub(ONES) & !word & HIGH
    }
    let mut at = start;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let special = zero_byte(word ^ (ONES * b'"' as u64))
            | zero_byte(word ^ (ONES * b'\\' as u64))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if special != 0 {
            return at + (special.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + bytes[at..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(bytes.len() - at)
}

/// A JSON number's text as the nearest double.
#[cfg(target_arch = "wasm32")]
fn read_double(literal: &str) -> f64 {
    js_sys::parse_float(literal)
}

#[cfg(not(target_arch = "wasm32"))]
fn read_double(literal: &str) -> f64 {
    literal.parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::plain_run_end;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_plain_run_ends_at_the_first_quote_backslash_or_control(
            text in prop::collection::vec(prop_oneof![Just("x"), Just("é"), Just("\u{ff}"), Just("\""), Just("\\"), Just("\u{1f}"), Just(" "), Just("~")], 0..40),
            start in 0usize..8,
        ) {
            let bytes = text.concat().into_bytes();
            let start = start.min(bytes.len());
            let one_by_one = bytes[start..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).map_or(bytes.len(), |i| start + i);
            prop_assert_eq!(plain_run_end(&bytes, start), one_by_one);
        }
    }
}
