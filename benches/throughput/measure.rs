//! Benchmark support: running a command as a child process and measuring
//! it. GNU time (`/usr/bin/time`, Debian package `time`) reports the child's
//! user and system CPU time and peak resident set size; wall time is taken
//! here with a monotonic clock.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// GNU time's location.
pub const GNU_TIME: &str = "/usr/bin/time";

/// One measured run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    /// Wall-clock seconds.
    pub wall: f64,
    /// User CPU seconds.
    pub user: f64,
    /// System (kernel) CPU seconds.
    pub sys: f64,
    /// Peak resident set size in MiB.
    pub rss_mib: f64,
}

/// What a measured child printed.
pub struct Output {
    /// The figures.
    pub sample: Sample,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error, GNU time's report removed.
    pub stderr: String,
}

/// Runs `program args` under GNU time; fails when it exits non-zero.
pub fn run(program: &Path, args: &[&str], report: &Path) -> Result<Output, String> {
    let start = Instant::now();
    let out = Command::new(GNU_TIME)
        .arg("-f")
        .arg("%U %S %M")
        .arg("-o")
        .arg(report)
        .arg(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {GNU_TIME} (apt-get install time): {e}"))?;
    let wall = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(format!(
            "{} {} failed ({}):\n{stdout}{stderr}",
            program.display(),
            args.join(" "),
            out.status
        ));
    }
    let text = std::fs::read_to_string(report).map_err(|e| e.to_string())?;
    let fields: Vec<f64> = text
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [user, sys, rss_kib] = fields[..] else {
        return Err(format!("unexpected GNU time report: {text:?}"));
    };
    Ok(Output {
        sample: Sample {
            wall,
            user,
            sys,
            rss_mib: rss_kib / 1024.0,
        },
        stdout,
        stderr,
    })
}

/// Median of each figure separately, and the fastest and slowest wall time.
pub fn summarise(samples: &[Sample]) -> (Sample, f64, f64) {
    let med = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
    let walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
    let min = walls.iter().copied().fold(f64::INFINITY, f64::min);
    let max = walls.iter().copied().fold(0.0, f64::max);
    (
        Sample {
            wall: med(|s| s.wall),
            user: med(|s| s.user),
            sys: med(|s| s.sys),
            rss_mib: med(|s| s.rss_mib),
        },
        min,
        max,
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Flushes dirty pages so one run's writes do not slow the next one down.
pub fn sync() {
    let _ = Command::new("sync").status();
}

/// The machine, for the results table: cores, CPU model, memory, and the
/// filesystem holding `dir`.
pub fn machine(dir: &Path) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU", |m| m.trim_start_matches([' ', '\t', ':']));
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|m| m.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!(
        "{cores} cores ({model}), {mem_gib:.0} GiB memory, {} filesystem",
        filesystem(dir)
    )
}

/// The 1, 5 and 15 minute load averages (other work sharing the cores).
pub fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn filesystem(dir: &Path) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() > 2 && dir.starts_with(f[1])).then(|| (f[1].len(), f[2].to_string()))
        })
        .max()
        .map_or_else(|| "unknown".into(), |(_, fs)| fs)
}
