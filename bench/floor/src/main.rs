//! `floor CORPUS_DIR OUT_DIR FILES BYTES`: the cost no static site generator can avoid.
//!
//! 1. Reads every input file of an undersigned corpus: all of `content/`, `site.yaml` and
//!    `signatories.yaml`.
//! 2. Renders the body (after the front matter) of every `.md` file with pulldown-cmark
//!    (tables, footnotes, smart punctuation), in parallel with rayon.
//! 3. Writes FILES files totalling BYTES bytes, about 3 files per folder like a site, whose
//!    content is the rendered HTML repeated or cut to reach the total. Like `undersigned
//!    build`, it writes them into a staging folder beside OUT_DIR and then swaps it in
//!    (renames the old tree aside, renames the new one into place, removes the old one).
//!
//! No templates, no links checked, no feeds: the benchmark compares a real build with this.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

const FILES_PER_FOLDER: u64 = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, out, files, bytes] = args.as_slice() else {
        eprintln!("usage: floor CORPUS_DIR OUT_DIR FILES BYTES");
        return ExitCode::from(2);
    };
    let (Ok(files), Ok(bytes)) = (files.parse::<u64>(), bytes.parse::<u64>()) else {
        eprintln!("floor: FILES and BYTES must be whole numbers");
        return ExitCode::from(2);
    };
    match run(Path::new(corpus), Path::new(out), files, bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(corpus: &Path, out: &Path, files: u64, bytes: u64) -> Result<(), String> {
    let started = Instant::now();
    let inputs = input_paths(corpus)?;
    // Read and render in one parallel pass; every input is read, only Markdown is rendered.
    let read: Vec<(u64, Option<String>)> = inputs
        .par_iter()
        .map(|path| {
            let data = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let len = data.len() as u64;
            if path.extension().is_some_and(|e| e == "md") {
                let text = String::from_utf8(data).map_err(|_| format!("{}: not UTF-8", path.display()))?;
                Ok((len, Some(render(body(&text)))))
            } else {
                Ok((len, None))
            }
        })
        .collect::<Result<_, String>>()?;
    let read_bytes: u64 = read.iter().map(|(n, _)| n).sum();
    let rendered: Vec<String> = read.into_iter().filter_map(|(_, html)| html).collect();
    let mut pool = Vec::with_capacity(rendered.iter().map(String::len).sum());
    for html in &rendered {
        pool.extend_from_slice(html.as_bytes());
    }
    if pool.is_empty() {
        pool.extend_from_slice(b"<p>empty corpus</p>\n");
    }
    let render_ms = started.elapsed().as_millis();

    let written = write_site(out, files, bytes, &pool)?;
    eprintln!(
        "floor: read {} files ({read_bytes} bytes), rendered {} Markdown files ({} bytes of HTML) in {render_ms} ms; \
         wrote {} files ({} bytes) in {} ms total",
        inputs.len(),
        rendered.len(),
        pool.len(),
        written.0,
        written.1,
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Every file under `content/`, plus `site.yaml` and `signatories.yaml`.
fn input_paths(corpus: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths = vec![corpus.join("site.yaml"), corpus.join("signatories.yaml")];
    for entry in walkdir::WalkDir::new(corpus.join("content")).sort_by_file_name() {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_file() {
            paths.push(entry.into_path());
        }
    }
    Ok(paths)
}

/// The text after the front matter (`---` … `---`), or all of it if there is none.
fn body(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return text;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return &rest[offset..];
        }
    }
    text
}

fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_SMART_PUNCTUATION;
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// Writes `files` files totalling `bytes` bytes to a staging folder, then swaps it in.
fn write_site(out: &Path, files: u64, bytes: u64, pool: &[u8]) -> Result<(u64, u64), String> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    }
    fs::create_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;

    let (base, extra) = if files == 0 { (0, 0) } else { (bytes / files, bytes % files) };
    let mut offset = 0usize; // where in `pool` the next file's content starts
    let mut total = 0u64;
    for i in 0..files {
        let folder = i / FILES_PER_FOLDER;
        let dir = staging
            .join(if folder % 2 == 0 { "en" } else { "es" })
            .join("statements")
            .join(format!("p-{:06}", folder / 2));
        if i % FILES_PER_FOLDER == 0 {
            fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let path = dir.join(match i % FILES_PER_FOLDER {
            0 => "index.html",
            1 => "signatories.csv",
            _ => "statement.json",
        });
        let size = base + u64::from(i < extra);
        let mut file = fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        // One write call for the common case (the content fits before the end of the pool).
        let mut left = usize::try_from(size).map_err(|e| e.to_string())?;
        while left > 0 {
            let take = left.min(pool.len() - offset);
            file.write_all(&pool[offset..offset + take]).map_err(|e| format!("{}: {e}", path.display()))?;
            offset = (offset + take) % pool.len();
            left -= take;
        }
        total += size;
    }

    if out.exists() {
        let old = parent.join(format!(".{name}.staging-{}.old", std::process::id()));
        fs::rename(out, &old).map_err(|e| format!("{}: {e}", out.display()))?;
        fs::rename(&staging, out).map_err(|e| format!("{}: {e}", out.display()))?;
        fs::remove_dir_all(&old).map_err(|e| format!("{}: {e}", old.display()))?;
    } else {
        fs::rename(&staging, out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok((files, total))
}
