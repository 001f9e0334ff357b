//! Per map of a snapshot: shape, load, growth state, the article's health
//! figures, and what a hint at its length would have saved.

use super::snapshot::{Document, Entry, Hook, Snapshot};
use crate::lint::cost::{go_model, NSource, Pricer, Pricing};
use serde::{Deserialize, Serialize};

/// The article's health threshold on a classic map's longest chain (main
/// bucket included).
pub const MAX_HEALTHY_CHAIN: u64 = 8;

/// What `mapamp live` reports of one map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapReport {
    /// The registered name.
    pub name: String,
    /// Why the program could not read the map (then nothing else is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `classic` or `swiss`.
    pub design: String,
    /// `len(m)`.
    pub len: u64,
    /// Key and element sizes.
    pub key_bytes: u64,
    /// Element size.
    pub elem_bytes: u64,
    /// Bytes of the map's runtime structures.
    pub held_bytes: u64,
    /// Slots (classic: 8 per main bucket; Swiss: the tables', 8 for a small map).
    pub capacity_slots: u64,
    /// `len / capacity_slots`.
    pub load: Option<f64>,
    /// The structure in words.
    pub shape: String,
    /// Growth in progress (classic) or the room left before the next (Swiss).
    pub growth: String,
    /// A classic map's longest chain, in buckets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_chain: Option<u64>,
    /// The hook's counters, when the map has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook: Option<Hook>,
    /// What a hint at `len` would have saved, by the model.
    pub hint: HintSaving,
}

/// The model's price of the missing hint, and the savings it implies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HintSaving {
    /// The two builds (or why there are none).
    pub pricing: Pricing,
    /// Bytes written without the hint minus with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_written_saved: Option<i64>,
    /// Allocations without the hint minus with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocations_saved: Option<i64>,
    /// Allocated bytes without the hint minus with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocated_bytes_saved: Option<i64>,
}

/// Analyses every map of a document.
pub fn analyse(d: &Document) -> Vec<MapReport> {
    let mut pricer = Pricer::new(None);
    d.maps.iter().map(|e| analyse_map(e, &mut pricer)).collect()
}

fn analyse_map(e: &Entry, pricer: &mut Pricer) -> MapReport {
    let Some(s) = &e.snapshot else {
        let reason = e.error.clone().unwrap_or_default();
        return MapReport {
            name: e.name.clone(),
            error: Some(reason.clone()),
            design: String::new(),
            len: 0,
            key_bytes: 0,
            elem_bytes: 0,
            held_bytes: 0,
            capacity_slots: 0,
            load: None,
            shape: String::new(),
            growth: String::new(),
            max_chain: None,
            hook: e.hook.clone(),
            hint: HintSaving::unavailable(format!("the program could not read the map: {reason}")),
        };
    };
    let (capacity, shape, growth, max_chain) = describe(s);
    MapReport {
        name: e.name.clone(),
        error: None,
        design: s.design.clone(),
        len: s.len,
        key_bytes: s.key_bytes,
        elem_bytes: s.elem_bytes,
        held_bytes: s.held_bytes,
        capacity_slots: capacity,
        load: (capacity > 0).then(|| s.len as f64 / capacity as f64),
        shape,
        growth,
        max_chain,
        hook: e.hook.clone(),
        hint: price(s, pricer),
    }
}

fn describe(s: &Snapshot) -> (u64, String, String, Option<u64>) {
    if let Some(c) = &s.classic {
        let max_chain = c
            .chain_len_hist
            .iter()
            .rposition(|&n| n > 0)
            .map(|l| l as u64);
        let shape = format!(
            "B = {}: {} buckets, {} overflow buckets, longest chain {} bucket(s)",
            c.b,
            c.buckets,
            c.overflow_buckets,
            max_chain.unwrap_or(0)
        );
        let growth = if c.growing {
            format!(
                "{} growth in progress: {} of {} old buckets evacuated",
                if c.same_size_growing {
                    "same-size"
                } else {
                    "doubling"
                },
                c.nevacuate.min(c.old_buckets),
                c.old_buckets
            )
        } else {
            "not growing".to_string()
        };
        return (8 * c.buckets, shape, growth, max_chain);
    }
    let w = s.swiss.as_ref().expect("parse checked the design");
    if w.small {
        return (
            w.capacity,
            "small map: one group of 8 slots".to_string(),
            format!(
                "{} slot(s) left before it becomes a table",
                8 - s.len.min(8)
            ),
            None,
        );
    }
    let shape = format!(
        "directory of {} (global depth {}), {} table(s), {} slots, {} tombstones",
        w.dir_len,
        w.global_depth,
        w.tables.len(),
        w.capacity,
        w.tombstones
    );
    let full = w.tables.iter().filter(|t| t.growth_left == 0).count();
    let least = w.tables.iter().map(|t| t.growth_left).min().unwrap_or(0);
    let growth = format!(
        "{full} table(s) with no growth left (the next insert into one grows or splits it); least growth left {least}"
    );
    (w.capacity, shape, growth, None)
}

fn price(s: &Snapshot, pricer: &mut Pricer) -> HintSaving {
    let Some(variant) = go_model(Some(&s.go_version)) else {
        return HintSaving::unavailable(format!(
            "Go version {:?} names no release: cannot choose a model",
            s.go_version
        ));
    };
    if s.len == 0 {
        return HintSaving::unavailable("the map is empty: no size to hint".to_string());
    }
    let pricing = pricer.price_at(
        variant,
        s.len,
        NSource::Observed,
        Some(s.key_bytes),
        Some(s.elem_bytes),
    );
    let diff = |f: fn(&crate::lint::cost::Figures) -> u64| match &pricing {
        Pricing::Priced(c) => Some(f(&c.without_hint) as i64 - f(&c.with_hint) as i64),
        Pricing::Unavailable { .. } => None,
    };
    HintSaving {
        bytes_written_saved: diff(|f| f.total_bytes),
        allocations_saved: diff(|f| f.allocations),
        allocated_bytes_saved: diff(|f| f.allocated_bytes),
        pricing,
    }
}

impl HintSaving {
    fn unavailable(reason: String) -> HintSaving {
        HintSaving {
            pricing: Pricing::Unavailable { reason },
            bytes_written_saved: None,
            allocations_saved: None,
            allocated_bytes_saved: None,
        }
    }
}

/// The reports as text, one block per map.
pub fn render_text(go_version: &str, maps: &[MapReport]) -> String {
    let mut out = format!("{} map(s) of a {go_version} program\n", maps.len());
    for m in maps {
        out.push_str(&format!("\n{}\n", m.name));
        if let Some(e) = &m.error {
            out.push_str(&format!("  unavailable: {e}\n"));
            continue;
        }
        out.push_str(&format!(
            "  {} map, len {}, key {} B, element {} B, holds {} B\n  shape: {}\n  load: {}\n  growth: {}\n",
            m.design,
            m.len,
            m.key_bytes,
            m.elem_bytes,
            m.held_bytes,
            m.shape,
            m.load.map_or("unavailable (no slots)".to_string(), |l| format!("{l:.3} of {} slots", m.capacity_slots)),
            m.growth
        ));
        if let Some(c) = m.max_chain {
            out.push_str(&format!(
                "  health: longest chain {c} ({} the article's {MAX_HEALTHY_CHAIN})\n",
                if c <= MAX_HEALTHY_CHAIN {
                    "within"
                } else {
                    "beyond"
                }
            ));
        }
        if let Some(h) = &m.hook {
            out.push_str(&format!(
                "  hook: {} writes, {} observed (every {}), {} growths seen, ~{} bytes written by them\n",
                h.writes, h.sampled, h.sample_every, h.growths, h.bytes_written
            ));
        }
        match &m.hint.pricing {
            Pricing::Unavailable { reason } => {
                out.push_str(&format!("  hint: unavailable: {reason}\n"))
            }
            Pricing::Priced(c) => out.push_str(&format!(
                "  hint: make(map, {n}), where it was made without one, saves {} bytes written, {} allocations, {} allocated bytes ({} model, {})\n",
                m.hint.bytes_written_saved.unwrap_or(0),
                m.hint.allocations_saved.unwrap_or(0),
                m.hint.allocated_bytes_saved.unwrap_or(0),
                c.model,
                c.size_note,
                n = c.n,
            )),
        }
    }
    out
}
