use std::collections::BTreeMap;
use std::io::Read as _;

use super::*;

fn record(lang: &str, url: &str, content: &str) -> Record {
    Record {
        lang: lang.to_owned(),
        url: url.to_owned(),
        content: content.to_owned(),
        meta: BTreeMap::from([("title".to_owned(), format!("Title of {url}"))]),
        filters: BTreeMap::from([("year".to_owned(), vec!["2019".to_owned()])]),
        sort: BTreeMap::new(),
    }
}

fn records() -> Vec<Record> {
    vec![
        record("es", "es/declaraciones/a/", "Las organizaciones denuncian la militarización de la frontera."),
        record("en", "en/statements/a/", "The organisations denounced the militarisation of the border."),
        record("fr", "fr/declarations/a/", "Les organisations ont dénoncé la militarisation de la frontière."),
        record("pt", "pt/declaracoes/a/", "As organizações denunciam a militarização da fronteira."),
        record("ar", "ar/bayanat/a/", "تدين المنظمات عسكرة الحدود"),
    ]
}

fn none(_: &str) -> Option<Vec<u8>> {
    None
}

/// The words of `lang`'s index (its meta file and word chunks, gunzipped), as Pagefind's
/// CBOR writes them: each a text string, whose first byte is 0x60 plus its length.
fn index_bytes(files: &[(String, Vec<u8>)], lang: &str) -> Vec<u8> {
    let entry = files.iter().find(|(p, _)| p == "pagefind/pagefind-entry.json").unwrap();
    let entry: serde_json::Value = serde_json::from_slice(&entry.1).unwrap();
    let hash = entry["languages"][lang]["hash"].as_str().unwrap().to_owned();
    let mut all = Vec::new();
    for (path, bytes) in files {
        let wanted = path == &format!("pagefind/pagefind.{hash}.pf_meta")
            || (path.starts_with(&format!("pagefind/index/{lang}_")) && path.ends_with(".pf_index"));
        if wanted {
            flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut all).unwrap();
        }
    }
    all
}

/// Whether the index bytes hold `word` as a whole CBOR string (shorter than 24 bytes).
fn has_word(index: &[u8], word: &str) -> bool {
    let mut needle = vec![0x60 + u8::try_from(word.len()).unwrap()];
    needle.extend_from_slice(word.as_bytes());
    index.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn each_language_gets_its_index_with_its_stemming() {
    let (files, how) = files(records(), &none).unwrap();
    assert_eq!(how, Indexing::Indexed);
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for lang in ["es", "en", "fr", "pt", "ar"] {
        assert!(
            paths.contains(&format!("pagefind/wasm.{lang}.pagefind").as_str()),
            "no stemming for {lang}: {paths:?}"
        );
    }
    for needed in ["pagefind/pagefind.js", "pagefind/pagefind-worker.js", "pagefind/wasm.unknown.pagefind", KEY_FILE] {
        assert!(paths.contains(&needed), "{needed} missing: {paths:?}");
    }
    assert!(paths.iter().all(|p| p.starts_with(FOLDER)));
    assert!(!paths.iter().any(|p| UNUSED.iter().any(|u| p.ends_with(u))), "{paths:?}");
    // The stems, as the browser looks them up: "denunciar" finds "denuncian".
    let stems = [
        ("es", "denunci", "denuncian"),
        ("en", "denounc", "denounced"),
        ("fr", "denonc", "denonce"),
        ("pt", "denunc", "denunciam"),
        ("ar", "عسكر", "عسكرة"),
    ];
    for (lang, stem, word) in stems {
        let index = index_bytes(&files, lang);
        assert!(has_word(&index, stem), "{lang}: no `{stem}` in its index");
        assert!(!has_word(&index, word), "{lang}: `{word}` is in its index unstemmed");
    }
    // Each language's words in its own index only.
    assert!(!has_word(&index_bytes(&files, "es"), "border"));
    // The key's version is the one the browser files say they are.
    let entry = &files.iter().find(|(p, _)| p == "pagefind/pagefind-entry.json").unwrap().1;
    assert_contains!(String::from_utf8_lossy(entry), &format!("\"version\":\"{PAGEFIND_VERSION}\""));
}

#[test]
fn an_unchanged_index_is_kept_and_a_changed_one_is_made_again() {
    let (first, _) = files(records(), &none).unwrap();
    let kept = |path: &str| first.iter().find(|(p, _)| p == path).map(|(_, b)| b.clone());
    let (again, how) = files(records(), &kept).unwrap();
    assert_eq!(how, Indexing::Kept);
    let mut sorted = first.clone();
    sorted.sort();
    let mut again_sorted = again;
    again_sorted.sort();
    assert_eq!(sorted, again_sorted);

    let mut changed = records();
    changed[0].content.push_str(" Y exigen su retiro.");
    let (redone, how) = files(changed, &kept).unwrap();
    assert_eq!(how, Indexing::Indexed);
    // Only Spanish was indexed again: every other language's lines are the same.
    let lines = |files: &Files, lang: &str| -> Vec<String> {
        let listing = &files.iter().find(|(p, _)| p == KEY_FILE).unwrap().1;
        let prefix = [format!("lang\t{lang}\t"), format!("file\t{lang}\t")];
        String::from_utf8_lossy(listing)
            .lines()
            .filter(|l| prefix.iter().any(|p| l.starts_with(p)))
            .map(str::to_owned)
            .collect()
    };
    for lang in ["en", "fr", "pt", "ar"] {
        assert_eq!(lines(&first, lang), lines(&redone, lang), "{lang}");
        assert!(!lines(&first, lang).is_empty());
    }
    assert_ne!(lines(&first, "es"), lines(&redone, "es"));
    let entry = |files: &Files| files.iter().find(|(p, _)| p == ENTRY).unwrap().1.clone();
    assert_ne!(entry(&first), entry(&redone));
    let mut refiltered = records();
    refiltered[1].filters.insert("topic".to_owned(), vec!["Mexico".to_owned()]);
    assert_eq!(files(refiltered, &kept).unwrap().1, Indexing::Indexed);

    // A kept file that no longer has its bytes is no index to keep.
    let tampered = |path: &str| {
        let mut bytes = kept(path)?;
        if path.ends_with(".pf_meta") {
            bytes.push(0);
        }
        Some(bytes)
    };
    assert_eq!(files(records(), &tampered).unwrap().1, Indexing::Indexed);
}

#[test]
fn the_key_covers_every_field() {
    let base = key(&records());
    assert_eq!(base, key(&records()));
    let changes: [fn(&mut Record); 6] = [
        |r| r.lang = "pt-br".to_owned(),
        |r| r.url.push('x'),
        |r| r.content.push('x'),
        |r| {
            r.meta.insert("date".to_owned(), "x".to_owned());
        },
        |r| r.filters.get_mut("year").unwrap().push("2020".to_owned()),
        |r| {
            r.sort.insert("date".to_owned(), "x".to_owned());
        },
    ];
    for change in changes {
        let mut changed = records();
        change(&mut changed[2]);
        assert_ne!(key(&changed), base);
    }
    // Field boundaries count: text moved from one field to the next is another key.
    let mut a = records();
    a[0].url.push('x');
    let mut b = records();
    b[0].content.insert(0, 'x');
    assert_ne!(key(&a), key(&b));
}

#[test]
fn no_statements_make_a_valid_empty_index() {
    let (files, _) = files(Vec::new(), &none).unwrap();
    assert!(files.iter().any(|(p, _)| p == "pagefind/pagefind-entry.json"));
}
