import { REASON_CODES } from '../../src/domain/reason-codes';

/** The ledger's closed taxonomy of reason codes (src/domain/reason-codes.ts), one source for server and console. */
export const REASON_CODE_NAMES = Object.keys(REASON_CODES) as (keyof typeof REASON_CODES)[];

export function describeCode(code: string): string {
  return (REASON_CODES as Record<string, { description: string } | undefined>)[code]?.description ?? code;
}

/** A labelled group of reason-code checkboxes; `suggested` first, the rest behind a disclosure. */
export function ReasonCodePicker({
  legend,
  selected,
  suggested,
  onChange,
}: {
  legend: string;
  selected: readonly string[];
  suggested: readonly string[];
  onChange: (codes: string[]) => void;
}) {
  const toggle = (code: string, on: boolean): void => {
    onChange(on ? [...selected, code] : selected.filter((c) => c !== code));
  };
  const others = REASON_CODE_NAMES.filter((c) => !suggested.includes(c));
  const box = (code: string) => (
    <label key={code} title={describeCode(code)}>
      <input
        type="checkbox"
        name="reasonCodes"
        value={code}
        checked={selected.includes(code)}
        onChange={(e) => {
          toggle(code, e.currentTarget.checked);
        }}
      />
      <code>{code}</code>
    </label>
  );
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div class="checks">{suggested.map(box)}</div>
      <details>
        <summary>Other reason codes</summary>
        <div class="checks">{others.map(box)}</div>
      </details>
    </fieldset>
  );
}
