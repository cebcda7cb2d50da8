//! The throughput benchmark: generates corpora of N entries, builds each
//! with the release `kbgen` as a child process, and measures beside it the
//! floor program (parse, render Markdown, write; see `floor.rs`) and a
//! `cp -r` of kbgen's output, in the same run. Prints a Markdown table of
//! medians: pages per second, wall time, CPU time and peak RSS.
//!
//! ```text
//! cargo bench --bench throughput -- [--sizes 1000,10000,100000] [--runs 3]
//!     [--large-runs 1] [--work DIR] [--kbgen PATH]
//! cargo bench --bench throughput -- gen N DIR      # write a corpus only
//! cargo bench --bench throughput -- floor SITE OUT # run the floor program only
//! ```

mod corpus;
mod floor;
mod measure;

use std::path::{Path, PathBuf};

use measure::Sample;

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    large_runs: usize,
    work: PathBuf,
    kbgen: PathBuf,
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => generate(&args[1..]),
        Some("floor") => run_floor(&args[1..]),
        _ => options(&args).and_then(|o| bench(&o)),
    };
    if let Err(e) = result {
        eprintln!("throughput: {e}");
        std::process::exit(2);
    }
}

fn generate(args: &[String]) -> Result<(), String> {
    let [n, dir] = args else {
        return Err("usage: gen N DIR".into());
    };
    let n: usize = n.parse().map_err(|e| format!("N: {e}"))?;
    let bytes = corpus::write_site(Path::new(dir), n).map_err(|e| e.to_string())?;
    println!("wrote {n} entries ({:.1} MB) to {dir}", bytes as f64 / 1e6);
    Ok(())
}

fn run_floor(args: &[String]) -> Result<(), String> {
    let [site, out] = args else {
        return Err("usage: floor SITE OUT".into());
    };
    let n = floor::run(Path::new(site), Path::new(out)).map_err(|e| e.to_string())?;
    println!("floor: {n} entries");
    Ok(())
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        sizes: vec![1_000, 10_000, 100_000],
        runs: 3,
        large_runs: 1,
        work: std::env::temp_dir().join("kbgen-bench"),
        kbgen: PathBuf::from(env!("CARGO_BIN_EXE_kbgen")),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--sizes" => {
                o.sizes = value()?
                    .split(',')
                    .map(|s| {
                        s.trim()
                            .replace('_', "")
                            .parse()
                            .map_err(|e| format!("--sizes: {e}"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--runs" => o.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--large-runs" => {
                o.large_runs = value()?.parse().map_err(|e| format!("--large-runs: {e}"))?
            }
            "--work" => o.work = PathBuf::from(value()?),
            "--kbgen" => o.kbgen = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

/// Medians of one program at one size.
struct Row {
    n: usize,
    program: &'static str,
    pages: usize,
    runs: usize,
    median: Sample,
    min_wall: f64,
    max_wall: f64,
}

fn bench(o: &Options) -> Result<(), String> {
    std::fs::create_dir_all(&o.work).map_err(|e| e.to_string())?;
    let machine = measure::machine(&o.work);
    let load_before = measure::load_average();
    eprintln!("machine: {machine}; load average {load_before}");
    let mut rows = Vec::new();
    let mut written: Vec<PathBuf> = Vec::new();
    for &n in &o.sizes {
        // The previous size's outputs go before the next corpus is written
        // (and its settling pause starts).
        written.drain(..).for_each(|p| remove(&p));
        let (r, w) = bench_size(o, n)?;
        rows.extend(r);
        written = w;
    }
    print_table(&rows, &machine);
    println!(
        "\nLoad average (1, 5, 15 min) before: {load_before}; after: {}",
        measure::load_average()
    );
    written.iter().for_each(|p| remove(p));
    let _ = std::fs::remove_dir_all(&o.work);
    Ok(())
}

fn remove(p: &Path) {
    if p.exists() {
        std::fs::remove_dir_all(p).unwrap_or_else(|e| panic!("removing {}: {e}", p.display()));
    }
}

/// Seconds ext4 without a journal treats a freed inode as recently deleted
/// (`dirty_expire_centisecs` / 100): creating files sooner after deleting
/// many is several times slower, so measured runs never follow a deletion.
const SETTLE_SECS: u64 = 31;

/// Measures size `n`; returns the rows and the directories to delete.
fn bench_size(o: &Options, n: usize) -> Result<(Vec<Row>, Vec<PathBuf>), String> {
    let site = o.work.join(format!("site-{n}"));
    let report = o.work.join("time.txt");
    remove(&site);
    let bytes = corpus::write_site(&site, n).map_err(|e| e.to_string())?;
    let runs = if n > 10_000 { o.large_runs } else { o.runs };
    eprintln!(
        "N = {n}: corpus of {:.1} MB in {}; {runs} runs after {SETTLE_SECS} s",
        bytes as f64 / 1e6,
        site.display()
    );
    measure::sync();
    std::thread::sleep(std::time::Duration::from_secs(SETTLE_SECS));
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let site_s = site.to_string_lossy();
    let mut samples: [Vec<Sample>; 3] = Default::default();
    let mut pages = 0;
    let mut written = Vec::new();
    for run in 1..=runs {
        // Fresh directories each run: nothing is deleted until the end.
        let [out, floor_out, copy] =
            ["public", "floor", "copy"].map(|d| o.work.join(format!("{d}-{n}-{run}")));
        let (out_s, floor_s) = (out.to_string_lossy(), floor_out.to_string_lossy());
        measure::sync();
        let build = measure::run(
            &o.kbgen,
            &["--root", &site_s, "build", "-o", &out_s],
            &report,
        )?;
        pages = built_pages(&build.stdout, &build.stderr)?;
        measure::sync();
        let fl = measure::run(&me, &["floor", &site_s, &floor_s], &report)?;
        measure::sync();
        let cp = measure::run(
            Path::new("cp"),
            &["-r", &out_s, &copy.to_string_lossy()],
            &report,
        )?;
        eprintln!(
            "  run {run}: kbgen {:.2} s, floor {:.2} s, cp -r {:.2} s",
            build.sample.wall, fl.sample.wall, cp.sample.wall
        );
        for (k, s) in [build.sample, fl.sample, cp.sample].into_iter().enumerate() {
            samples[k].push(s);
        }
        written.extend([out, floor_out, copy]);
    }
    written.push(site);
    let names = ["kbgen build", "floor", "cp -r output"];
    let counts = [pages, n, pages];
    let rows = names
        .into_iter()
        .zip(counts)
        .zip(&samples)
        .map(|((program, pages), s)| {
            let (median, min_wall, max_wall) = measure::summarise(s);
            Row {
                n,
                program,
                pages,
                runs,
                median,
                min_wall,
                max_wall,
            }
        })
        .collect();
    Ok((rows, written))
}

/// The page count from kbgen's summary line; refuses a build with warnings
/// (the generated corpus must be clean).
fn built_pages(stdout: &str, stderr: &str) -> Result<usize, String> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("built "))
        .unwrap_or("");
    if !line.contains(" with 0 warnings ") {
        return Err(format!("kbgen build was not clean:\n{stdout}{stderr}"));
    }
    line.split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("no page count in {line:?}"))
}

fn print_table(rows: &[Row], machine: &str) {
    println!("\nMachine: {machine}. Medians of the runs; wall range in brackets.\n");
    println!(
        "| entries | program | runs | pages | wall s [min-max] | pages/s | user s | sys s | CPU s | peak RSS MiB | wall vs floor |"
    );
    println!("|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let floor = rows
            .iter()
            .find(|f| f.n == r.n && f.program == "floor")
            .map_or(f64::NAN, |f| f.median.wall);
        let m = &r.median;
        println!(
            "| {} | {} | {} | {} | {:.2} [{:.2}-{:.2}] | {:.0} | {:.2} | {:.2} | {:.2} | {:.0} | {:.2}x |",
            r.n,
            r.program,
            r.runs,
            r.pages,
            m.wall,
            r.min_wall,
            r.max_wall,
            r.pages as f64 / m.wall,
            m.user,
            m.sys,
            m.user + m.sys,
            m.rss_mib,
            m.wall / floor
        );
    }
    let kb: Vec<&Row> = rows.iter().filter(|r| r.program == "kbgen build").collect();
    for w in kb.windows(2) {
        println!(
            "\nkbgen {} -> {} entries (x{:.0}): wall x{:.1}, CPU x{:.1}, peak RSS x{:.1}",
            w[0].n,
            w[1].n,
            w[1].n as f64 / w[0].n as f64,
            w[1].median.wall / w[0].median.wall,
            (w[1].median.user + w[1].median.sys) / (w[0].median.user + w[0].median.sys),
            w[1].median.rss_mib / w[0].median.rss_mib,
        );
    }
}
