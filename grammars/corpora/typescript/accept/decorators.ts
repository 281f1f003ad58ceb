// Decorators on classes, members, accessors and parameters.
function Component(opts: { selector: string }) {
  return <T extends new (...args: any[]) => object>(target: T) => target;
}
function Input(): PropertyDecorator { return () => {}; }
function Inject(token: string): ParameterDecorator { return () => {}; }
function log(target: object, key: string | symbol, desc: PropertyDescriptor) { return desc; }
const ns = { deco: () => (t: unknown) => t };

@Component({ selector: "app-root" })
export class AppComponent {
  @Input() name: string = "";
  @Input()
  title!: string;

  @ns.deco()
  decorated = 1;

  constructor(@Inject("TOKEN") private readonly token: string) {}

  @log
  greet(@Inject("x") prefix: string): string {
    return `${prefix} ${this.name}`;
  }

  @log get upper(): string {
    return this.name.toUpperCase();
  }
}

@Component({ selector: "other" }) class Other {}

@(ns.deco())
class WithExpression {}

export { Other, WithExpression };
