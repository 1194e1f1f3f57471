//! Media upload pacing (fidelity review §8.9, §8.10): a 1 MB image gets through links below
//! 330 kbit/s, and processing waits keep the worker alive. Runs natively and under
//! wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::upload::{
    KEEP_ALIVE_SLICE_MS, MAX_CHUNK_BYTES, MIN_CHUNK_BYTES, Pacer, REQUEST_TIMEOUT_MS,
    TARGET_CHUNK_MS, TooSlow, keep_alive_slices,
};

/// Simulates uploading `total` bytes over a link of `bytes_per_s` with Keypost's timeout:
/// returns the chunks that were answered (their sizes) and the number of timeouts, or
/// `Err(TooSlow)`.
fn simulate(total: usize, bytes_per_s: u64) -> Result<(Vec<usize>, u32), TooSlow> {
    simulate_with(Pacer::new(), REQUEST_TIMEOUT_MS, 200, total, bytes_per_s)
}

/// [`simulate`] with another pacer, timeout and round trip.
fn simulate_with(
    mut pacer: Pacer,
    timeout_ms: u32,
    round_trip_ms: u64,
    total: usize,
    bytes_per_s: u64,
) -> Result<(Vec<usize>, u32), TooSlow> {
    let (mut offset, mut timeouts, mut sent) = (0usize, 0u32, Vec::new());
    while offset < total {
        let chunk = pacer.chunk_bytes().min(total - offset);
        // Request to answer: the bytes at the link's rate, plus 200 ms of round trips.
        let needed_ms = chunk as u64 * 1000 / bytes_per_s + round_trip_ms;
        if needed_ms > u64::from(timeout_ms) {
            timeouts += 1;
            pacer.on_timeout()?;
            continue;
        }
        pacer.on_sent(chunk, needed_ms);
        sent.push(chunk);
        offset += chunk;
    }
    Ok((sent, timeouts))
}

#[test]
fn a_fast_link_keeps_one_mib_chunks() {
    // 10 Mbit/s: a 4.5 MB image in 5 appends of at most 1 MiB, as before.
    let (sent, timeouts) = simulate(4_500_000, 1_250_000).unwrap();
    assert_eq!(timeouts, 0);
    assert!(sent.iter().all(|&c| c <= MAX_CHUNK_BYTES));
    assert_eq!(sent.len(), 5);
    assert_eq!(sent[0], MAX_CHUNK_BYTES);
}

#[test]
fn a_timeout_ten_times_shorter_paces_a_link_ten_times_faster_the_same_way() {
    // Sandbox builds shorten the timeout (2.5 s) and the slow-link test speeds the link up by
    // as much: the chunks must be the same ones (within 0.1%), or that test would prove
    // another pacing.
    for kbit_s in [256u64, 64] {
        let slow = simulate(1_000_000, kbit_s * 1000 / 8).unwrap();
        let scaled = simulate_with(
            Pacer::for_timeout(REQUEST_TIMEOUT_MS / 10),
            REQUEST_TIMEOUT_MS / 10,
            20,
            1_000_000,
            kbit_s * 10_000 / 8,
        )
        .unwrap();
        // The same timeouts and the same chunks, but for the rounding of whole milliseconds.
        assert_eq!(scaled.1, slow.1, "{kbit_s} kbit/s: timeouts");
        assert_eq!(
            scaled.0.len(),
            slow.0.len(),
            "{kbit_s} kbit/s: {scaled:?} {slow:?}"
        );
        // (The last chunk is what is left of the image: the differences add up there.)
        let whole = slow.0.len() - 1;
        for (a, b) in scaled.0[..whole].iter().zip(&slow.0[..whole]) {
            assert!(
                a.abs_diff(*b) * 1000 <= *b,
                "{kbit_s} kbit/s: {scaled:?} {slow:?}"
            );
        }
        assert!(
            slow.1 >= 1,
            "{kbit_s} kbit/s: the first 1 MiB append timed out"
        );
    }
    assert_eq!(Pacer::for_timeout(REQUEST_TIMEOUT_MS), Pacer::new());
}

#[test]
fn a_one_mb_image_gets_through_below_330_kbit_s() {
    // The review's case: every 1 MiB append failed below ~330 kbit/s, and every retry too.
    for kbit_s in [320u64, 256, 128, 64, 32] {
        let bytes_per_s = kbit_s * 1000 / 8;
        let (sent, timeouts) =
            simulate(1_000_000, bytes_per_s).unwrap_or_else(|_| panic!("{kbit_s} kbit/s gave up"));
        assert_eq!(sent.iter().sum::<usize>(), 1_000_000, "{kbit_s} kbit/s");
        // At most a few timeouts before the chunk fits; after that none.
        assert!(timeouts <= 4, "{kbit_s} kbit/s: {timeouts} timeouts");
        assert!(sent.len() < 1000, "X allows segment indexes 0 to 999");
    }
}

#[test]
fn after_a_measured_append_the_next_chunk_fits_the_target_time() {
    let mut pacer = Pacer::new();
    // 512 KiB in 20 s: 26,214 B/s, so 10 s is 262,144 bytes.
    pacer.on_sent(512 * 1024, 20_000);
    assert_eq!(
        pacer.chunk_bytes(),
        usize::try_from(512 * 1024 * TARGET_CHUNK_MS / 20_000).expect("fits in usize")
    );
    // Faster again: back up to 1 MiB, never beyond.
    pacer.on_sent(256 * 1024, 50);
    assert_eq!(pacer.chunk_bytes(), MAX_CHUNK_BYTES);
    // Never below the minimum, even at a crawl; an instant answer is not a division by zero.
    pacer.on_sent(1024, 60_000);
    assert_eq!(pacer.chunk_bytes(), MIN_CHUNK_BYTES);
    pacer.on_sent(1024, 0);
    assert_eq!(pacer.chunk_bytes(), MIN_CHUNK_BYTES * 16);
}

#[test]
fn timeouts_halve_the_chunk_then_give_up_at_the_smallest() {
    let mut pacer = Pacer::new();
    let mut sizes = vec![pacer.chunk_bytes()];
    while pacer.chunk_bytes() > MIN_CHUNK_BYTES {
        pacer.on_timeout().unwrap();
        sizes.push(pacer.chunk_bytes());
    }
    assert_eq!(
        sizes,
        [1024, 512, 256, 128, 64].map(|k| k * 1024).to_vec(),
        "halved down to 64 KiB"
    );
    assert_eq!(
        pacer.on_timeout(),
        Ok(()),
        "one more try at the smallest size"
    );
    assert_eq!(pacer.on_timeout(), Err(TooSlow));
    // A link slower than 64 KiB per 25 s (about 21 kbit/s) gives up instead of looping.
    assert_eq!(simulate(1_000_000, 2_000), Err(TooSlow));
}

#[test]
fn a_success_resets_the_timeout_count_at_the_smallest_size() {
    let mut pacer = Pacer::new();
    while pacer.chunk_bytes() > MIN_CHUNK_BYTES {
        pacer.on_timeout().unwrap();
    }
    pacer.on_timeout().unwrap();
    pacer.on_sent(MIN_CHUNK_BYTES, 24_000);
    assert_eq!(pacer.on_timeout(), Ok(()));
}

// Chrome stops an idle worker after 30 s: every slice ends well before.
const _: () = assert!(KEEP_ALIVE_SLICE_MS < 30_000);

#[test]
fn processing_waits_are_cut_into_slices_the_worker_survives() {
    assert_eq!(keep_alive_slices(0), Vec::<u64>::new());
    assert_eq!(keep_alive_slices(1_000), vec![1_000]);
    assert_eq!(keep_alive_slices(60_000), vec![20_000, 20_000, 20_000]);
    assert_eq!(keep_alive_slices(45_500), vec![20_000, 20_000, 5_500]);
    for total in [1, 19_999, 20_001, 59_999, 60_000] {
        let slices = keep_alive_slices(total);
        assert_eq!(slices.iter().sum::<u64>(), total);
        // Chrome stops an idle worker after 30 s: every slice ends well before.
        assert!(slices.iter().all(|&s| s <= KEEP_ALIVE_SLICE_MS));
    }
}
