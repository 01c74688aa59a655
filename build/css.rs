//! The widget's stylesheet without what the browser does not need: comments, and
//! whitespace that separates nothing (around `{ } ; , >`, after `:`, before `}`).
//! Quoted strings are kept as they are; a space before `:` stays (in a selector it is the
//! descendant combinator), and so does every other space (`calc(1em + 8px)`, `0 1px`).

pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    // A whitespace run seen but not yet written: written as one space when both its
    // neighbours need it.
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if s == c && !escaped {
                        break;
                    }
                    escaped = s == '\\' && !escaped;
                }
            }
            c => {
                flush_space(&mut out, &mut pending_space, c);
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
            }
        }
    }
    out
}

/// Writes the pending space before `next` unless a neighbour makes it meaningless.
fn flush_space(out: &mut String, pending: &mut bool, next: char) {
    if std::mem::take(pending) {
        let before = out.chars().last();
        let needless_after = matches!(before, None | Some('{' | '}' | ';' | ',' | '>' | ':'));
        let needless_before = matches!(next, '{' | '}' | ';' | ',' | '>');
        if !needless_after && !needless_before {
            out.push(' ');
        }
    }
}
