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
            started: Instant::now(),
            bar,
        }
    }

    /// A cell starts.
    pub fn start(&mut self, id: &impl std::fmt::Display) {
        match &self.bar {
            Some(b) => b.set_message(id.to_string()),
            None => eprintln!(
                "mapamp run: {} [{}/{}] {id} ({:.1?} elapsed)",
                self.phase,
                self.done + 1,
                self.total,
                self.started.elapsed()
            ),
        }
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
