// Semicolon-free TypeScript: ASI after types, interface members, class members.
import { EventEmitter } from 'events'

type Listener = (value: number) => void
type State = {
  count: number
  listeners: Listener[]
}

interface Store {
  state: State
  subscribe(l: Listener): () => void
  readonly name: string
}

let counter: number = 0
let label: string
const created: Date = new Date()

export class SimpleStore extends EventEmitter implements Store {
  state: State = { count: 0, listeners: [] }
  readonly name = 'simple'
  private timer?: ReturnType<typeof setInterval>

  subscribe(l: Listener) {
    this.state.listeners.push(l)
    return () => {
      this.state.listeners = this.state.listeners.filter(x => x !== l)
    }
  }

  increment(by = 1) {
    this.state.count += by
    for (const l of this.state.listeners) l(this.state.count)
  }
}

function overloaded(x: string): string
function overloaded(x: number): number
function overloaded(x: any) {
  return x
}

label = String(counter)
export type { Listener, State }
export default overloaded
