"""Retrieval at the cursor, per language: the receiver of `x.`/`x::` resolved through imports and local
types, imported and nearby names, open-document snippets, the budget, and determinism."""

from __future__ import annotations

import random
from pathlib import Path

from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.retrieval import RetrievalSettings, Retriever

from tests.workspace.conftest import Workspace

PY_MODELS = """class Cart:
    def __init__(self, owner: str):
        self.owner = owner
        self.lines = []

    def add_line(self, sku: str) -> None:
        self.lines.append(sku)

    def subtotal_amount(self) -> float:
        return 0.0


def make_cart(owner: str) -> Cart:
    return Cart(owner)
"""
PY_PRICING = "VAT = 0.2\n\n\ndef compute_total(amount: float) -> float:\n    return amount * (1 + VAT)\n"


def test_python_module_receiver_through_a_relative_import(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, {"shop/__init__.py": "", "shop/pricing.py": PY_PRICING, "shop/models.py": PY_MODELS,
                              "shop/checkout.py": "from . import pricing\n\ntotal = pricing.‸\n"})
    context = ws.context()
    assert "<shop/pricing.py>\nVAT = 0.2\ndef compute_total(amount: float) -> float:\n    ..." in context
    assert context.rstrip().endswith("...")  # the receiver's file is last, next to the current file


def test_python_value_receiver_from_a_constructor_a_factory_and_self(tmp_path: Path) -> None:
    files = {"shop/models.py": PY_MODELS, "shop/checkout.py": "from shop.models import Cart\n\ncart = Cart('me')\ncart.‸\n"}
    assert "def subtotal_amount(self) -> float:" in Workspace(tmp_path / "a", files).context()
    files["shop/checkout.py"] = "from shop.models import make_cart\n\nc = make_cart('me')\nc.‸\n"
    assert "def subtotal_amount(self) -> float:" in Workspace(tmp_path / "b", files).context()
    files["shop/special.py"] = "from shop.models import Cart\n\nclass Special(Cart):\n    def f(self):\n        x: Cart = self\n        x.‸\n"
    files.pop("shop/checkout.py")
    context = Workspace(tmp_path / "c", files).context()
    assert "        self.owner = owner" in context and "def add_line(self, sku: str) -> None:" in context


def test_imported_names_come_even_before_they_are_used(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, {"app/pricing.py": PY_PRICING,
                              "app/main.py": "from app.pricing import compute_total\n\ndef f(x):\n    return ‸\n"})
    assert "def compute_total(amount: float) -> float:" in ws.context()


def test_typescript_namespace_import_esm_specifier_and_new(tmp_path: Path) -> None:
    files = {
        "src/lib/cart.ts": "export class Cart {\n  items: string[] = [];\n  constructor(public owner: string) {}\n"
                           "  subtotal(): number {\n    return 0;\n  }\n}\n",
        "src/pricing.ts": "export const VAT = 0.2;\nexport function withVat(x: number): number {\n  return x;\n}\n",
        "src/main.ts": "import { Cart } from './lib/cart.js';\nimport * as pricing from './pricing';\n\n"
                       "const cart = new Cart('me');\nconst t = pricing.‸\n",
    }
    context = Workspace(tmp_path / "a", files).context()
    assert "<src/pricing.ts>\nexport const VAT = 0.2\nexport function withVat(x: number): number { ... }" in context
    files["src/main.ts"] = files["src/main.ts"].replace("const t = pricing.‸", "cart.‸")
    context = Workspace(tmp_path / "b", files).context()
    assert "export class Cart {\n  items: string[] = []\n" in context and "  subtotal(): number { ... }\n}" in context


RS_MODELS = """pub struct Cart {
    pub owner: String,
    lines: Vec<String>,
}

pub enum Currency { Eur, Usd }

impl Cart {
    pub fn new(owner: &str) -> Self {
        Cart { owner: owner.to_string(), lines: Vec::new() }
    }
    pub fn subtotal_amount(&self) -> f64 {
        0.0
    }
}
"""


def test_rust_paths_use_declarations_and_let_bindings(tmp_path: Path) -> None:
    files = {"src/lib.rs": "pub mod models;\npub mod pricing;\n", "src/models.rs": RS_MODELS,
             "src/pricing/mod.rs": "pub const VAT: f64 = 0.2;\npub fn with_vat(x: f64) -> f64 { x }\n",
             "src/checkout.rs": "use crate::models::{Cart, Currency};\nuse crate::pricing;\n\n"
                                "fn f() {\n    let cart = Cart::new(\"me\");\n    cart.‸\n}\n"}
    context = Workspace(tmp_path / "a", files).context()
    assert "impl Cart {\n    pub fn new(owner: &str) -> Self { ... }\n    pub fn subtotal_amount(&self) -> f64 { ... }\n}" in context
    assert "pub struct Cart {\n    pub owner: String,\n    lines: Vec<String>,\n}" in context
    files["src/checkout.rs"] = "use crate::pricing;\n\nfn f() -> f64 {\n    pricing::‸\n}\n"
    assert "<src/pricing/mod.rs>\npub const VAT: f64 = 0.2;\npub fn with_vat(x: f64) -> f64 { ... }" in \
        Workspace(tmp_path / "b", files).context()
    files["src/checkout.rs"] = "use crate::models::Currency;\n\nfn f() {\n    let c = Currency::‸\n}\n"
    assert "pub enum Currency {\n    Eur,\n    Usd,\n}" in Workspace(tmp_path / "c", files).context()


def test_go_package_import_and_a_constructor_of_the_same_package(tmp_path: Path) -> None:
    files = {
        "go.mod": "module example.com/shop\n",
        "cart.go": "package shop\n\ntype Cart struct {\n\tOwner string\n}\n\n"
                   "func NewCart(owner string) *Cart { return &Cart{Owner: owner} }\n\n"
                   "func (c *Cart) Subtotal() float64 { return 0 }\n",
        "pricing/vat.go": "package pricing\n\nconst VAT = 0.2\n\nfunc WithVat(x float64) float64 { return x }\n",
        "checkout.go": "package shop\n\nimport \"example.com/shop/pricing\"\n\nfunc F() float64 {\n\tc := NewCart(\"me\")\n\treturn c.‸\n}\n",
    }
    context = Workspace(tmp_path / "a", files).context()
    assert "type Cart struct {\n\tOwner string\n}" in context and "func (c *Cart) Subtotal() float64 { ... }" in context
    files["checkout.go"] = files["checkout.go"].replace("return c.‸", "return pricing.‸")
    assert "<pricing/vat.go>\nconst VAT = 0.2\nfunc WithVat(x float64) float64 { ... }" in Workspace(tmp_path / "b", files).context()


def test_zig_file_struct_and_container_declarations(tmp_path: Path) -> None:
    files = {
        "src/Cart.zig": "const Cart = @This();\n\nowner: []const u8,\n\npub fn init(owner: []const u8) Cart {\n"
                        "    return .{ .owner = owner };\n}\n",
        "src/money.zig": "pub const Money = struct {\n    cents: i64,\n    pub fn add(a: Money, b: Money) Money {\n"
                         "        return .{ .cents = a.cents + b.cents };\n    }\n};\n",
        "src/main.zig": "const Cart = @import(\"Cart.zig\");\nconst Money = @import(\"money.zig\").Money;\n\n"
                        "pub fn main() void {\n    var cart = Cart.init(\"me\");\n    _ = cart.‸\n}\n",
    }
    assert "owner: []const u8,\npub fn init(owner: []const u8) Cart { ... }" in Workspace(tmp_path / "a", files).context()
    files["src/main.zig"] = files["src/main.zig"].replace("_ = cart.‸", "const m: Money = undefined;\n    _ = m.‸")
    assert "pub const Money = struct {\n    cents: i64,\n    pub fn add(a: Money, b: Money) Money { ... }\n};" in \
        Workspace(tmp_path / "b", files).context()


def test_snippets_from_open_documents_by_identifier_overlap(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, {"a.py": "def handle(request, response):\n    ‸\n"})
    other = "\n".join(f"x{i} = {i}" for i in range(40)) + "\ndef serve(request, response):\n    response.write(request.body)\n"
    found = ws.retriever.retrieve(ws.query(open_documents=((str(tmp_path / "notes.py"), 1, other),)))
    assert found is not None and "response.write(request.body)" in found.files[-1].text


def test_the_budget_bounds_the_context_and_the_most_useful_survives(tmp_path: Path) -> None:
    many = "".join(f"def helper_{i}(value: int) -> int:\n    return value\n\n" for i in range(200))
    files = {"big.py": many, "pricing.py": PY_PRICING,
             "main.py": "import big\nimport pricing\n" + "".join(f"big.helper_{i}(1)\n" for i in range(50)) + "pricing.‸\n"}
    ws = Workspace(tmp_path, files, RetrievalSettings(budget_tokens=40))
    found = ws.retriever.retrieve(ws.query())
    assert found is not None and found.chars <= 40 * RetrievalSettings().chars_per_token
    assert "compute_total" in found.files[-1].text


def test_the_same_request_gives_the_same_context_whatever_the_index_order(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, {"shop/models.py": PY_MODELS, "shop/pricing.py": PY_PRICING,
                              "other/models.py": PY_MODELS.replace("Cart", "Basket"),
                              "shop/checkout.py": "from shop.models import Cart\nfrom shop import pricing\n"
                                                  "def f(cart: Cart):\n    compute_total(1)\n    cart.‸\n"})
    first = ws.retriever.retrieve(ws.query())
    files = list(ws.index.files.values())
    random.Random(1).shuffle(files)
    shuffled = WorkspaceIndex([tmp_path.as_posix()])
    shuffled.put_all(files)
    assert Retriever(shuffled).retrieve(ws.query()) == first == ws.retriever.retrieve(ws.query())


def test_no_context_from_the_current_file_or_without_a_workspace(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, {"only.py": "def local_helper():\n    pass\n\nlocal_helper().‸\n"})
    assert ws.context() == ""
