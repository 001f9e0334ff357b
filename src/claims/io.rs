//! The source article's I/O claims (its §2.4), each settled by io cells run
//! here, or marked not testable with the reason.

use super::fig;
use crate::error::chain;
use crate::report::schema::{ClaimOutcome, ClaimVerdict};
use crate::scenario::io::cell::{kernel_frames, measure, IoCell, IoFigures};
use crate::scenario::io::{CacheState, IoError, IoPath, Target};
use std::time::Duration;

/// The article's profile shares of the copy functions, in its order.
pub const ARTICLE_PROFILE_SHARES: [f64; 3] = [38.2, 29.7, 15.1];

fn cell(path: IoPath, file_size: u64) -> IoCell {
    IoCell {
        path,
        target: Target::Tcp,
        cache: CacheState::Warm,
        file_size,
        buffer_size: 64 << 10,
        port: 0,
        timeout_ms: 60_000,
        seed: 1,
    }
}

/// Evaluates the I/O claims (`quick`: 4 MiB files, else 64 MiB).
pub fn evaluate(quick: bool) -> Vec<ClaimVerdict> {
    let size = if quick { 4 << 20 } else { 64 << 20 };
    let min = Duration::from_millis(if quick { 50 } else { 300 });
    let runs: Vec<(IoPath, Result<IoFigures, IoError>)> =
        [IoPath::ReadWrite, IoPath::Sendfile, IoPath::Splice]
            .into_iter()
            .map(|p| (p, measure(&cell(p, size), min, 200)))
            .collect();
    vec![
        user_copies(&runs, size),
        three_copies(&runs[0].1),
        profile_shares(&runs[0].1),
    ]
}

/// "read() + send() moves every byte page cache → user buffer → socket
/// buffer": two copies through user space, which sendfile and splice avoid.
/// A cell that could not run makes the claim not testable here, its error
/// (with its causes) the reason.
pub fn user_copies(runs: &[(IoPath, Result<IoFigures, IoError>)], size: u64) -> ClaimVerdict {
    let claim = "a read() then send() of a file copies every byte page cache → user buffer → socket buffer (two copies through user space; sendfile and splice make none)";
    let mut figures = Vec::new();
    let mut ok = true;
    for (path, r) in runs {
        match r {
            Ok(f) => {
                let expect = if *path == IoPath::ReadWrite { 2.0 } else { 0.0 };
                ok &= f.copies.sender_user_space_per_byte == expect;
                figures.push(fig(
                    format!(
                        "{}: bytes through user space per byte delivered",
                        path.name()
                    ),
                    format!("{:.3}", f.copies.sender_user_space_per_byte),
                    "io-harness (read/write results)",
                ));
            }
            Err(e) => {
                return ClaimVerdict {
                    id: "io-user-copies".into(),
                    claim: claim.into(),
                    verdict: ClaimOutcome::NotTestableHere,
                    reason: format!("the {} cell could not run here: {}", path.name(), chain(e)),
                    figures,
                }
            }
        }
    }
    ClaimVerdict {
        id: "io-user-copies".into(),
        claim: claim.into(),
        verdict: if ok { ClaimOutcome::Holds } else { ClaimOutcome::DoesNotHold },
        reason: format!(
            "a {} file sent to a 127.0.0.1 receiver in 64 KiB chunks, warm cache, every delivery checked; read_write must pass each byte through user space twice, sendfile and splice never",
            crate::scenario::io::size_text(size)
        ),
        figures,
    }
}

/// "… → device: three copies".
pub fn three_copies(read_write: &Result<IoFigures, IoError>) -> ClaimVerdict {
    let mut figures = Vec::new();
    if let Ok(f) = read_write {
        for s in &f.copies.steps {
            figures.push(fig(
                format!("read_write: {}", s.step),
                format!("{:.3} per byte", s.per_byte),
                match s.basis {
                    crate::scenario::io::copies::Basis::Measured => "io-harness (measured)",
                    crate::scenario::io::copies::Basis::Derived => "derived (kernel documentation)",
                },
            ));
        }
    }
    ClaimVerdict {
        id: "io-three-copies".into(),
        claim: "read() + send() moves every byte through three memory copies: page cache → user buffer → socket buffer → device".into(),
        verdict: ClaimOutcome::NotTestableHere,
        reason: match read_write {
            Ok(f) => format!(
                "the two CPU copies through user space are measured ({:.3} per byte); the third, socket buffer → device, is a NIC's DMA, and this machine sends over loopback, which has no device (loopback_xmit hands the buffer on without a copy)",
                f.copies.sender_user_space_per_byte
            ),
            Err(e) => format!("the read_write cell could not run here: {}", chain(e)),
        },
        figures,
    }
}

/// "The copies take 38.2% / 29.7% / 15.1% of the profile."
pub fn profile_shares(read_write: &Result<IoFigures, IoError>) -> ClaimVerdict {
    let mut figures = vec![fig(
        "article's shares of the copy functions",
        ARTICLE_PROFILE_SHARES
            .iter()
            .map(|s| format!("{s}%"))
            .collect::<Vec<_>>()
            .join(" / "),
        "article",
    )];
    if let Ok(f) = read_write {
        if let Some(share) = f.usage.system_share {
            figures.push(fig(
                "read_write: sender CPU time spent in the kernel",
                format!("{:.1}%", 100.0 * share),
                "getrusage(RUSAGE_THREAD)",
            ));
        }
    }
    ClaimVerdict {
        id: "io-profile-shares".into(),
        claim: "in the profile of a read() + send() server the copies take 38.2% / 29.7% / 15.1%".into(),
        verdict: ClaimOutcome::NotTestableHere,
        reason: format!(
            "the copies run in kernel functions, so their shares need kernel frames: {}. The kernel's share of the sender's CPU time is given instead; it bounds the copies' total share but does not split it",
            kernel_frames().detail
        ),
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_could_not_run_gives_its_error_chain_as_the_reason() {
        let refused = || IoError::Delivery {
            source: Box::new(IoError::ReceiverTimeout {
                bytes: 0,
                expected: 4096,
            }),
        };
        let v = user_copies(&[(IoPath::Sendfile, Err(refused()))], 4096);
        assert_eq!(v.verdict, ClaimOutcome::NotTestableHere);
        assert_eq!(
            v.reason,
            "the sendfile cell could not run here: delivery: the receiver timed out with 0 of 4096 bytes"
        );
        let v = three_copies(&Err(refused()));
        assert_eq!(v.verdict, ClaimOutcome::NotTestableHere);
        assert_eq!(
            v.reason,
            "the read_write cell could not run here: delivery: the receiver timed out with 0 of 4096 bytes"
        );
        assert!(v.figures.is_empty());
    }
}
