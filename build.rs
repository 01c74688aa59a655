//! Build script: writes the widget's stylesheet (www/widget.css) minified into OUT_DIR,
//! where `host::shadow` includes it, without the rules of a telephony the build leaves
//! out; the source keeps its comments and layout.

#[path = "build/css.rs"]
mod css;

fn main() {
    let source = "www/widget.css";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=build/css.rs");
    let css = std::fs::read_to_string(source).expect("read www/widget.css");
    // A build without Genesys telephony has no agent state, call controls or connection
    // banner: their rules stay out of it.
    let left_out: &[&str] = if std::env::var_os("CARGO_FEATURE_GENESYS").is_some() { &[] } else { &["genesys"] };
    let css = css::without_parts(&css, left_out).unwrap_or_else(|e| panic!("www/widget.css: {e}"));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("widget.min.css");
    std::fs::write(out, css::minify_css(&css)).expect("write widget.min.css");
}
