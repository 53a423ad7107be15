//! Work spread over the cores, for the few places where one run does a lot of independent
//! work (checks, snapshot services, report formats). The items differ a lot in cost, so each
//! worker takes the next item when it is free instead of a fixed share.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Runs `work` on every item on up to `max_threads` threads (and no more than the cores or
/// the items). `init` builds each worker's own state (say, its clone of an engine). Returns
/// one entry per item, in item order: `None` for an item whose worker stopped (a panic), so
/// that the caller reports it instead of losing it.
pub(crate) fn map_on_cores<T: Sync, S, R: Send>(
    items: &[T],
    max_threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<Option<R>> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = cores.min(max_threads).min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    // Each result is stored as soon as it is ready, so a worker that stops loses only the item
    // it was working on (and those it never reached).
    let out: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = init();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let r = work(&mut state, item);
                        if let Some(slot) = out.lock().unwrap_or_else(|e| e.into_inner()).get_mut(i) {
                            *slot = Some(r);
                        }
                    }
                })
            })
            .collect();
        // Joined here, so that a worker's panic is not re-raised by the scope: its items stay `None`.
        for w in workers {
            let _ = w.join();
        }
    });
    out.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item is done once, results come back in item order, each worker has its own
    /// state, and an item whose worker panicked is `None`, not dropped.
    #[test]
    fn results_in_order_and_lost_work_is_visible() {
        let items: Vec<u32> = (0..100).collect();
        let out = map_on_cores(
            &items,
            4,
            || 0u32,
            |seen, x| {
                *seen += 1;
                x * 2
            },
        );
        assert_eq!(out, items.iter().map(|x| Some(x * 2)).collect::<Vec<_>>());

        let out = map_on_cores(
            &items,
            1,
            || (),
            |_, x| {
                assert!(*x != 7, "worker stops at 7");
                *x
            },
        );
        assert_eq!(out.len(), 100);
        assert_eq!(out[6], Some(6));
        assert!(out[7..].iter().all(Option::is_none), "the stopped worker's items are reported");
        assert!(map_on_cores(&[] as &[u32], 4, || (), |_, x| *x).is_empty());
    }
}
