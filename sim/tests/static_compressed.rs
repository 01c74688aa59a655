//! The built widget is sent compressed to browsers that accept it: the build writes `.br`
//! and `.gz` beside each file, and the static server picks the one the request accepts.

use std::net::SocketAddr;

async fn serve(dir: &std::path::Path) -> SocketAddr {
    let opts = ccsim::Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        static_dir: Some(dir.to_path_buf()),
        ..ccsim::Options::default()
    };
    ccsim::start(opts).await.expect("the simulator starts").api
}

#[tokio::test]
async fn brotli_or_gzip_as_accepted_and_the_plain_file_otherwise() {
    let dir = std::env::temp_dir().join(format!("ccsim-compressed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let name = "crm-call-widget-0123456789abcdef_bg.wasm";
    std::fs::write(dir.join(name), b"plain bytes").unwrap();
    std::fs::write(dir.join(format!("{name}.br")), b"brotli bytes").unwrap();
    std::fs::write(dir.join(format!("{name}.gz")), b"gzip bytes").unwrap();
    let addr = serve(&dir).await;
    let client = reqwest::Client::new();
    let get = |accept: &'static str| {
        let req = client.get(format!("http://{addr}/{name}"));
        let req = if accept.is_empty() { req } else { req.header("accept-encoding", accept) };
        async move { req.send().await.expect("an answer") }
    };

    let br = get("gzip, deflate, br").await;
    assert_eq!(br.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
    assert!(br.headers().get("vary").is_some_and(|v| v.to_str().unwrap().to_ascii_lowercase().contains("accept-encoding")));
    assert_eq!(br.headers().get("content-type").map(|v| v.to_str().unwrap()), Some("application/wasm"));
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let gz = get("gzip").await;
    assert_eq!(gz.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    assert_eq!(gz.bytes().await.unwrap().as_ref(), b"gzip bytes");

    let plain = get("").await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"plain bytes");
    let _ = std::fs::remove_dir_all(&dir);
}
