// What an account can spend, as the chain works it out.

/**
 * pallet-balances' `reducible_balance(who, Preserve, Polite)`: the free balance less what must
 * stay — the freezes beyond what is on hold (a freeze covers held funds too), and at least the
 * existential deposit (the account is kept alive). The consent pallet's `can_pay_fees` compares
 * this with `FreeOperationMinBalance`.
 */
export function spendable(account: { free: bigint; reserved: bigint; frozen: bigint }, existentialDeposit: bigint): bigint {
  const frozenBeyondHeld = account.frozen > account.reserved ? account.frozen - account.reserved : 0n;
  const untouchable = frozenBeyondHeld > existentialDeposit ? frozenBeyondHeld : existentialDeposit;
  return account.free > untouchable ? account.free - untouchable : 0n;
}
