import { memo, forwardRef } from 'react'

type Props = {
  label: string
  value: number
  onChange?: (v: number) => void
}

const clamp = (v: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, v))

export const Slider = memo(forwardRef<HTMLInputElement, Props>(function Slider(
  { label, value, onChange },
  ref
) {
  const pct = clamp(value)
  return (
    <label className="slider">
      <span>{label}</span>
      <input
        ref={ref}
        type="range"
        value={pct}
        onChange={e => onChange?.(Number(e.target.value))}
      />
      <output>{pct}%</output>
    </label>
  )
}))

let renders = 0
renders++
export function useRenderCount() {
  return renders
}
