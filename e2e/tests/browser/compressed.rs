//! The page as the browser gets it: its files compressed on the wire (brotli, made at build
//! time), and it works.

use hotelband_e2e::{Engine, Setup};
use serde::Deserialize;
use serde_json::json;

/// One file the page loaded, as `performance` saw it.
#[derive(Debug, Deserialize)]
struct Loaded {
    name: String,
    encoded: u64,
    decoded: u64,
}

in_both_engines!(the_page_arrives_brotli_compressed_and_works);
async fn the_page_arrives_brotli_compressed_and_works(engine: Engine) -> anyhow::Result<()> {
    Setup::new("compressed")
        .engine(engine)
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.wait_free_slots(20).await?;
            let client = s.page.client();
            let loaded = client
                .execute(
                    r#"return performance.getEntriesByType('resource')
                        .filter(e => /\.(wasm|js|css)$/.test(new URL(e.name).pathname))
                        .map(e => ({ name: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize }));"#,
                    vec![],
                )
                .await?;
            let loaded: Vec<Loaded> = serde_json::from_value(loaded)?;
            assert!(
                loaded.iter().any(|l| l.name.ends_with(".wasm")),
                "{loaded:?}"
            );
            for file in &loaded {
                assert!(
                    file.encoded > 0 && file.encoded * 2 < file.decoded,
                    "{} was not sent compressed: {file:?}",
                    file.name
                );
            }
            // Ask again for each file as the browser does, and read what it was sent.
            for file in &loaded {
                let encoding = client
                    .execute_async(
                        r#"const [url, done] = arguments;
                           fetch(url, { cache: 'no-store' })
                               .then(r => done(r.headers.get('content-encoding') || ''))
                               .catch(e => done('failed: ' + e));"#,
                        vec![json!(file.name)],
                    )
                    .await?;
                assert_eq!(encoding, json!("br"), "{}", file.name);
            }
            Ok(())
        })
        .await
}
