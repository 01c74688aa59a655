//! The widget's stylesheet without what the browser does not need: the rules of a
//! telephony the build leaves out (`without_parts`), comments, and whitespace that
//! separates nothing (around `{ } ; , >`, after `:`, before `}`). Quoted strings are kept
//! as they are; a space before `:` stays (in a selector it is the descendant combinator),
//! and so does every other space (`calc(1em + 8px)`, `0 1px`).

/// `css` without the lines from `/* only NAME */` to `/* end NAME */` for each NAME in
/// `left_out` (the markers on lines of their own). An unclosed or stray marker is an error.
pub fn without_parts(css: &str, left_out: &[&str]) -> Result<String, String> {
    let mut out = String::with_capacity(css.len());
    let mut open: Option<&str> = None;
    for (n, line) in css.lines().enumerate() {
        let marker = line.trim().strip_prefix("/* ").and_then(|l| l.strip_suffix(" */"));
        match (marker.and_then(|m| m.strip_prefix("only ")), marker.and_then(|m| m.strip_prefix("end ")), open) {
            (Some(name), _, None) => open = Some(name),
            (_, Some(name), Some(o)) if name == o => {
                open = None;
                continue;
            }
            (Some(_), _, Some(o)) | (_, Some(_), Some(o)) => return Err(format!("line {}: inside \"only {o}\"", n + 1)),
            (_, Some(name), None) => return Err(format!("line {}: \"end {name}\" without its \"only {name}\"", n + 1)),
            _ => {}
        }
        if !open.is_some_and(|o| left_out.contains(&o)) {
            out.push_str(line);
            out.push('\n');
        }
    }
    match open {
        Some(o) => Err(format!("\"only {o}\" is not closed")),
        None => Ok(out),
    }
}

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
