#!/usr/bin/env python3
"""The README's table of hot calls against `transfer_keep_alive`, from the generated weights.

Reads runtime/src/weights/*.rs (what the runtime charges) and prints, for each hot call at its
worst case, its compute, reads and writes, what it is charged (reads at 8 us, writes at 50 us:
ParityDbWeight), what it is charged after its refund for a realistic consent ledger of
LEDGER entries, and the same in a block (plus the extrinsic base and the transaction
extensions), with the ratio to a transfer in a block. Usage: benchmarks/weights-table.py [LEDGER]
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "runtime" / "src" / "weights"
READ, WRITE = 8.0, 50.0  # us, ParityDbWeight
CAP = 132  # ConsentCap: MaxConsents (100) + MaxGrants (32)
LEDGER = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def parse(path):
    """name -> (base ps, {component: slope ps}, reads, writes, {component: (reads, writes)})"""
    text = path.read_text()
    out = {}
    for m in re.finditer(r"fn (\w+)\(([^)]*)\) -> Weight \{(.*?)\n\t\}", text, re.S):
        name, body = m.group(1), m.group(3)
        base = int(re.search(r"Weight::from_parts\(([\d_]+), 0\)", body).group(1).replace("_", ""))
        slopes = {
            c: int(v.replace("_", ""))
            for v, c in re.findall(r"Weight::from_parts\(([\d_]+), 0\)\.saturating_mul\((\w)\.into\(\)\)", body)
        }
        reads = sum(int(x) for x in re.findall(r"reads\((\d+)_u64\)", body))
        writes = sum(int(x) for x in re.findall(r"writes\((\d+)_u64\)", body))
        per = {}
        for x, c in re.findall(r"reads\(\(?(\d+)_u64\)?\.saturating_mul\((\w)\.into\(\)\)\)", body):
            per.setdefault(c, [0, 0])[0] += int(x)
        for x, c in re.findall(r"writes\(\(?(\d+)_u64\)?\.saturating_mul\((\w)\.into\(\)\)\)", body):
            per.setdefault(c, [0, 0])[1] += int(x)
        out[name] = (base, slopes, reads, writes, per)
    return out


def weight(table, name, **components):
    """(compute us, reads, writes, total us) of `name` at `components`."""
    base, slopes, reads, writes, per = table[name]
    compute = base + sum(slopes.get(c, 0) * v for c, v in components.items())
    for c, (r, w) in per.items():
        reads += r * components.get(c, 0)
        writes += w * components.get(c, 0)
    compute /= 1e6
    return compute, reads, writes, compute + reads * READ + writes * WRITE


def main():
    balances = parse(WEIGHTS / "pallet_balances.rs")
    consent = parse(WEIGHTS / "pallet_consent.rs")
    access = parse(WEIGHTS / "pallet_access.rs")
    base = float(re.search(r"Weight::from_parts\(\s*WEIGHT_REF_TIME_PER_NANOS\.saturating_mul\(([\d_]+)\)",
                           (WEIGHTS / "extrinsic_weights.rs").read_text()).group(1).replace("_", "")) / 1e3
    ext = parse(WEIGHTS / "frame_system_extensions.rs")
    fee = parse(WEIGHTS / "pallet_transaction_payment.rs")
    # The extensions as the runtime charges them (check_* and the fee, with the vesting
    # path's two reads: configs::monetary::FeeWeight).
    ext_names = ["check_genesis", "check_mortality_mortal_transaction", "check_non_zero_sender",
                 "check_spec_version", "check_tx_version", "check_nonce", "check_weight", "weight_reclaim"]
    extensions = sum(weight(ext, n)[3] for n in ext_names) + weight(fee, "charge_transaction_payment")[3] + 2 * READ

    def saving(len_):  # consent's ledger_write_saving
        g = weight(consent, "grant_consent", c=CAP)[3] - weight(consent, "grant_consent", c=len_)[3]
        r = weight(consent, "revoke_consent", c=CAP)[3] - weight(consent, "revoke_consent", c=len_)[3]
        return min(g, r)

    def unused_ledger(len_):  # access's unused_ledger_weight for one ledger
        by_call = weight(access, "log_disclosure", c=CAP)[3] - weight(access, "log_disclosure", c=len_)[3]
        by_decision = weight(consent, "check_access", c=CAP)[3] - weight(consent, "check_access", c=len_)[3]
        return min(by_call, by_decision)

    log_charged = max(weight(access, "log_disclosure", c=CAP), weight(access, "log_disclosures_entries", e=0),
                      key=lambda w: w[3])
    rows = [
        ("`transfer_keep_alive` (reference)", weight(balances, "transfer_keep_alive"), 0.0),
        (f"`grant_consent` ({CAP} entries)", weight(consent, "grant_consent", c=CAP),
         weight(consent, "grant_consent", c=CAP)[3] - weight(consent, "grant_consent", c=LEDGER)[3]),
        (f"`revoke_consent` ({CAP} entries)", weight(consent, "revoke_consent", c=CAP),
         weight(consent, "revoke_consent", c=CAP)[3] - weight(consent, "revoke_consent", c=LEDGER)[3]),
        ("`request_access`", weight(access, "request_access"), 0.0),
        # A grant that dropped no ended grant is refunded that removal (consent's grant_saving);
        # a review that did not wait in the escalation queue, the queue's write (spec 109).
        ("`approve_request`", weight(access, "approve_request"), saving(LEDGER) + WRITE),
        ("`deny_request`", weight(access, "deny_request"), saving(LEDGER)),
        ("`declare_emergency`", weight(access, "declare_emergency"), saving(LEDGER) + WRITE),
        ("`acknowledge_emergency`", weight(access, "acknowledge_emergency"), saving(LEDGER) + WRITE),
        (f"`log_disclosure` ({CAP} entries)", log_charged, unused_ledger(LEDGER) + WRITE),
    ]
    page = 32  # DisclosurePageSize

    def batch(patients, each):
        """log_disclosures of `patients` patients with `each` entries: its shape, charge, refund."""
        further = -(-(each - 1) // page)  # div_ceil
        p = patients * (1 + further)
        e = patients * each - p
        w = weight(access, "log_disclosures", p=p)
        extra = weight(access, "log_disclosures_entries", e=e)[3] - weight(access, "log_disclosures_entries", e=0)[3]
        charged = (w[0], w[1], w[2], w[3] + extra)
        return charged, patients * unused_ledger(LEDGER)

    batches = [(1, 64), (4, 16), (64, 1)]
    transfer_block = rows[0][1][3] + base + extensions
    print(f"extrinsic base {base:.1f} us, extensions {extensions:.1f} us, ledger of {LEDGER} entries")
    print("| call | compute | reads | writes | charged | after refund | in a block, after refund | × transfer in a block |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (compute, reads, writes, total), refund in rows:
        after = total - refund
        block = after + base + extensions
        print(f"| {name} | {compute:.1f} µs | {reads} | {writes} | {total:.1f} µs | {after:.1f} µs | "
              f"{block:.1f} µs | {block / transfer_block:.2f}× |")
    for patients, each in batches:
        (compute, reads, writes, total), refund = batch(patients, each)
        after = total - refund
        block = after + base + extensions
        n = patients * each
        print(f"| `log_disclosures`, {n} entries of {patients} patient{'s' if patients > 1 else ''} "
              f"(per entry) | | | | {total:.1f} µs | {after:.1f} µs | {block:.1f} µs ({block / n:.1f} µs) | "
              f"{block / n / transfer_block:.3f}× |")


if __name__ == "__main__":
    main()
