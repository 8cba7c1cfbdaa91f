//! Precompressed copies of the site's files, as static hosts serve them:
//! `NAME.br` (brotli, quality 11) and `NAME.gz` (gzip, level 9) next to
//! every file of `dist/`. A host that finds them sends them with
//! `Content-Encoding: br` or `gzip` instead of compressing on each request
//! (README, "Host it").

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::run::Result;

/// One file of the site and the sizes of its three forms.
pub struct Sizes {
    /// The original file.
    pub path: PathBuf,
    /// Its size as built.
    pub raw: u64,
    /// The size of its `.gz`.
    pub gzip: u64,
    /// The size of its `.br`.
    pub brotli: u64,
}

/// The bytes of `data` compressed with brotli at its best setting (quality
/// 11, a 16 MB window: browsers accept up to 2^24).
pub fn brotli(data: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("writing to a Vec cannot fail");
    out
}

/// The bytes of `data` as a gzip file at level 9 (what `gzip -9` writes,
/// without a file name or time in the header, so a build is reproducible).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

/// Whether `path` is itself a precompressed copy.
fn is_copy(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "br" || e == "gz")
}

/// Writes `.br` and `.gz` next to every file of `dir` (not into
/// subfolders: Trunk's dist is flat) and returns each file's sizes, sorted
/// by name.
pub fn precompress(dir: &Path) -> Result<Vec<Sizes>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !is_copy(p))
        .collect();
    files.sort();
    let mut sizes = Vec::new();
    for path in files {
        let data = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (br, gz) = (brotli(&data), gzip(&data));
        for (ext, bytes) in [("br", &br), ("gz", &gz)] {
            let mut name = path.clone().into_os_string();
            name.push(".");
            name.push(ext);
            std::fs::write(&name, bytes).map_err(|e| format!("cannot write {name:?}: {e}"))?;
        }
        sizes.push(Sizes { raw: data.len() as u64, gzip: gz.len() as u64, brotli: br.len() as u64, path });
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn both_copies_decompress_to_the_original() {
        let data: Vec<u8> = (0..20_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let mut back = Vec::new();
        brotli::Decompressor::new(&brotli(&data)[..], 4096).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gzip(&data)[..]).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn precompress_writes_a_br_and_a_gz_next_to_every_file_and_skips_copies() {
        let dir = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<p>hello hello hello hello</p>".repeat(40)).unwrap();
        std::fs::write(dir.join("app.wasm"), [0u8, 97, 115, 109, 1, 0, 0, 0].repeat(500)).unwrap();
        let first: Vec<String> = precompress(&dir)
            .unwrap()
            .iter()
            .map(|s| {
                assert!(s.brotli < s.raw && s.gzip < s.raw, "{}", s.path.display());
                s.path.file_name().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(first, ["app.wasm", "index.html"]);
        // A second run compresses the originals again, not the copies.
        assert_eq!(precompress(&dir).unwrap().len(), 2);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["app.wasm", "app.wasm.br", "app.wasm.gz", "index.html", "index.html.br", "index.html.gz"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
