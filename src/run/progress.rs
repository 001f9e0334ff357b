//! Progress of a run: a bar (cells done, current cell, elapsed, estimate) on
//! a terminal, plain lines otherwise.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// Progress of one phase.
pub struct Progress {
    phase: &'static str,
    total: usize,
    done: usize,
    /// Cells started, which run ahead of `done` when cells run in parallel.
    begun: usize,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A phase of `total` cells.
    pub fn new(phase: &'static str, total: usize) -> Progress {
        let bar = (std::io::stderr().is_terminal() && total > 0).then(|| {
            let b = ProgressBar::new(total as u64);
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix:>14} [{bar:30}] {pos}/{len} {elapsed_precise} eta {eta} {msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            b.set_prefix(phase);
            b
        });
        if bar.is_none() && total > 0 {
            eprintln!("mapamp run: {phase}: {total} cells");
        }
        Progress {
            phase,
            total,
            done: 0,
            begun: 0,
            started: Instant::now(),
            bar,
        }
    }

    /// A cell starts.
    pub fn start(&mut self, id: &impl std::fmt::Display) {
        let line = self.start_line(id);
        match &self.bar {
            Some(b) => b.set_message(id.to_string()),
            None => eprintln!("{line}"),
        }
    }

    /// The line a starting cell prints without a terminal: its number
    /// counts cells started (with two at once, `[1/n]` and `[2/n]`, not
    /// `[1/n]` twice).
    fn start_line(&mut self, id: &impl std::fmt::Display) -> String {
        self.begun += 1;
        format!(
            "mapamp run: {} [{}/{}] {id} ({:.1?} elapsed)",
            self.phase,
            self.begun,
            self.total,
            self.started.elapsed()
        )
    }

    /// A cell is done.
    pub fn finish_one(&mut self) {
        self.done += 1;
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// The phase is done.
    pub fn done(self) {
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
        if self.total > 0 {
            eprintln!(
                "mapamp run: {}: {} cells in {:.1?}",
                self.phase,
                self.done,
                self.started.elapsed()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_started_in_parallel_get_their_own_numbers() {
        let mut p = Progress {
            phase: "callgrind",
            total: 44,
            done: 0,
            begun: 0,
            started: Instant::now(),
            bar: None,
        };
        let one = p.start_line(&"a");
        let two = p.start_line(&"b");
        assert!(one.contains("callgrind [1/44] a"), "{one}");
        assert!(two.contains("callgrind [2/44] b"), "{two}");
        p.finish_one();
        assert!(p.start_line(&"c").contains("[3/44] c"));
    }
}
