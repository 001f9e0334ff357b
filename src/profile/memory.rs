//! Whether a parsed profile's largest cell fits in the memory a run has:
//! checked by whoever is about to run it, never while parsing.

use super::{cells, Profile, ProfileError};

impl Profile {
    /// Refuses a profile whose largest cell would not fit in `avail` bytes
    /// of memory, naming the input to blame (N, a configuration's hint,
    /// locate's N or bucket count) at its line. Parsing does not look at the
    /// machine: whoever is about to run the profile calls this with the
    /// memory available then (`run::load_profile`).
    pub fn check_memory(&self, avail: u64) -> Result<(), ProfileError> {
        let file = self.path.display().to_string();
        let file = file.as_str();
        let cells = self.cells();
        let Some((cell, need)) = cells
            .cells
            .iter()
            .map(|c| (c, cells::estimate_bytes(c)))
            .max_by_key(|(_, need)| *need)
        else {
            return Ok(());
        };
        if need <= avail {
            return Ok(());
        }
        let line_of = |values: &[usize], lines: &[usize], x: usize| {
            values
                .iter()
                .position(|&v| v == x)
                .and_then(|i| lines.get(i))
                .copied()
        };
        let (line, what) = match cell {
            crate::scenario::CellSpec::Map(m) => {
                let hint = m.hint.resolve(m.n);
                let hinted = crate::variants::memory::hint_entries(
                    m.variant,
                    hint,
                    m.key_size,
                    m.value_size,
                    m.knobs.inline_limit,
                );
                if hinted > m.n {
                    let line = self
                        .lines
                        .hint
                        .iter()
                        .find(|(c, _)| *c == m.config)
                        .map(|(_, l)| *l);
                    (
                        line,
                        format!(
                            "hint = \"{}\" of configuration `{}` sizes the map for {hinted} entries at n = {}",
                            m.hint, m.config, m.n
                        ),
                    )
                } else {
                    (
                        line_of(&self.ns, &self.lines.n, m.n),
                        format!("n = {} is too large for this machine", m.n),
                    )
                }
            }
            crate::scenario::CellSpec::Locate(l) => {
                let counters = l.buckets.saturating_mul(8);
                let keys = (l.n as u64).saturating_mul(l.keys.max_bytes_per_key());
                let axes = self.locate.as_ref();
                if counters > keys {
                    let values: Vec<usize> = axes.map_or_else(Vec::new, |a| {
                        a.buckets.iter().map(|&b| b as usize).collect()
                    });
                    (
                        line_of(&values, &self.lines.locate_buckets, l.buckets as usize),
                        format!(
                            "locate buckets = {} is too large for this machine",
                            l.buckets
                        ),
                    )
                } else {
                    let values = axes.map_or_else(Vec::new, |a| a.n.clone());
                    (
                        line_of(&values, &self.lines.locate_n, l.n),
                        format!("locate n = {} is too large for this machine", l.n),
                    )
                }
            }
            crate::scenario::CellSpec::Io(c) => (
                None,
                format!(
                    "io file_size = {} is too large for this machine",
                    c.file_size
                ),
            ),
        };
        Err(ProfileError::TooLarge {
            file: file.to_string(),
            line,
            what,
            cell: cell.id().to_string(),
            need_mib: need >> 20,
            available_mib: avail >> 20,
        })
    }
}
