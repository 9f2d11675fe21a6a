"""The package's layout, read from its source with ``ast`` (issue 13): an import graph without cycles,
no hand-written module over MAX_LINES lines, no private name imported across modules, and every
relative import resolving to a module of the package.

Each check fails on the flat layout before issue 13 (e667366): ``replica.py <-> replica_mp.py <->
replica_panels.py`` was a cycle, ``replica.py`` had 884 lines and ``figures.py`` 651, and
``replica`` imported ``solver._minor_coefficient`` (see test_the_checks_catch_the_old_layout).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ptft_theory

PKG = Path(ptft_theory.__file__).resolve().parent
#: Hand-written modules stay below this many lines (generated code, ``_generated/``, is exempt).
MAX_LINES = 450
GENERATED = "_generated"


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module name of ``from <level dots><target> import ...`` inside ``current``."""
    base = current.split(".") if is_package else current.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports(root: Path):
    """Yield (importer, imported module, imported names, line) for every import of the package's own
    modules, relative or absolute, at any depth of the code (lazy imports count too)."""
    mods = modules(root)
    top = root.name
    for name, path in mods.items():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    target = resolve(name, path.name == "__init__.py", node.level, node.module)
                elif node.module and node.module.split(".")[0] == top:
                    target = node.module
                else:
                    continue
                yield name, target, [a.name for a in node.names], node.lineno
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == top:
                        yield name, a.name, [], node.lineno


def graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports (``from pkg import sub`` counts as importing ``sub``)."""
    mods = modules(root)
    g = {m: set() for m in mods}
    for src, target, names, _ in imports(root):
        for n in names:
            if f"{target}.{n}" in mods:
                g[src].add(f"{target}.{n}")
        # ``from pkg import sub`` needs only the submodule; a name bound in pkg/__init__ (or a plain
        # ``import pkg``) needs pkg/__init__ to have run that far: an edge, also from pkg's own submodules
        if target in mods and (not names or any(f"{target}.{n}" not in mods for n in names)):
            g[src].add(target)
    for m in g:  # importing a.b.c runs a/__init__ and a/b/__init__ first: no edge needed for the cycle test
        g[m].discard(m)
    return g


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan).  A submodule importing a
    sibling through its package (``from . import sibling``) has no edge into the package's ``__init__``
    (see :func:`graph`); one that takes a name the ``__init__`` binds has one, and it is a real circle
    when the ``__init__`` imports that submodule (the name exists only if the ``__init__`` got that far)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def oversized(root: Path) -> dict[str, int]:
    return {name: n for name, path in modules(root).items()
            if GENERATED not in path.parts and (n := len(path.read_text().splitlines())) > MAX_LINES}


def private_imports(root: Path) -> list[str]:
    """``from X import _y`` where ``_y`` is a function, class or constant (not a module) of another
    module of the package.  Package-private modules (``_validate``, ``_generated``, ...) may be imported
    inside the package; their private names may not."""
    mods = modules(root)
    bad = []
    for src, target, names, line in imports(root):
        for n in names:
            if n.startswith("_") and not n.startswith("__") and f"{target}.{n}" not in mods:
                bad.append(f"{src}:{line} imports {target}.{n}")
    return bad


def private_attributes(root: Path) -> list[str]:
    """``mod._y`` where ``mod`` is a module of the package imported under that name (``from . import
    replica as A; A._mp``, ``import ptft_theory.solver as S; S._minor``): the private-name rule,
    read through an attribute instead of an import."""
    mods = modules(root)
    bad = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(), str(path))
        alias = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = (resolve(name, path.name == "__init__.py", node.level, node.module) if node.level
                          else node.module)
                for a in node.names:
                    if target and f"{target}.{a.name}" in mods:
                        alias[a.asname or a.name] = f"{target}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname and a.name in mods:
                        alias[a.asname] = a.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in alias
                    and node.attr.startswith("_") and not node.attr.startswith("__")
                    and f"{alias[node.value.id]}.{node.attr}" not in mods and alias[node.value.id] != name):
                bad.append(f"{name}:{node.lineno} reads {alias[node.value.id]}.{node.attr}")
    return bad


def unresolved(root: Path) -> list[str]:
    mods = modules(root)
    return [f"{src}:{line} imports {target}" for src, target, _, line in imports(root) if target not in mods]


def test_every_import_of_the_package_resolves():
    assert unresolved(PKG) == []


def test_no_import_cycle():
    assert cycles(graph(PKG)) == []


def test_no_hand_written_module_over_the_line_limit():
    assert oversized(PKG) == {}


def test_no_private_name_crosses_modules():
    assert private_imports(PKG) == []


def test_no_private_attribute_of_another_module_is_read():
    assert private_attributes(PKG) == []


def script_private_imports(root: Path, folders=("validation", "benchmarks")) -> list[str]:
    """Imports of a private module or name of the package in the scripts (both import forms)."""
    bad = []
    for folder in folders:
        for path in sorted((root.parent / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == root.name:
                    names = node.module.split(".") + [a.name for a in node.names]
                elif isinstance(node, ast.Import):
                    names = [p for a in node.names if a.name.split(".")[0] == root.name for p in a.name.split(".")]
                else:
                    continue
                if any(p.startswith("_") and not p.startswith("__") for p in names):
                    bad.append(f"{path.name}:{node.lineno}")
    return bad


def test_scripts_use_only_public_names():
    """validation/ and benchmarks/ import no private module or name of the package."""
    assert script_private_imports(PKG) == []


def defined_names(path: Path) -> set[str]:
    """Names bound at the top level of a module's source (defs, classes, assignments, imports)."""
    out = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                out |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.If, ast.Try)):  # optional imports: bound in some branch
            out |= {(a.asname or a.name).split(".")[0] for n in ast.walk(node)
                    if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    return out


_IMPORT_TEXT = re.compile(r"^[ \t]*(?:from[ \t]+(ptft_theory(?:\.\w+)*)[ \t]+import[ \t]+([\w ,]+?)[ \t]*(?:#.*)?$"
                          r"|import[ \t]+(ptft_theory(?:\.\w+)*))", re.M)


def stale_references(root: Path, folders=("scripts", "validation", "benchmarks")) -> list[str]:
    """Imports of the package in the scripts around it, in their code *and* in code they hold as text
    (a probe runs ``python -c "from ptft_theory.x import y"``), that name a module or a name the package
    does not have (the flat layout's ``ptft_theory._io``, ``ptft_theory.figures``, ...).  Names are
    resolved from the source (a submodule, or a name bound at the top level of the module)."""
    mods = modules(root)
    bad = []
    for folder in folders:
        for path in sorted((root.parent / folder).glob("*.py")):
            text = path.read_text()
            for m in _IMPORT_TEXT.finditer(text):
                where = f"{folder}/{path.name}:{text.count(chr(10), 0, m.start()) + 1}"
                target = m.group(1) or m.group(3)
                if target not in mods:
                    bad.append(f"{where} imports {target}")
                    continue
                for n in (m.group(2) or "").split(","):
                    n = n.split()[0] if n.split() else ""
                    if n and f"{target}.{n}" not in mods and n not in defined_names(mods[target]):
                        bad.append(f"{where} imports {target}.{n}")
    return bad


def test_scripts_name_only_modules_that_exist():
    assert stale_references(PKG) == []


OLD_LAYOUT = {  # a miniature of the flat layout before issue 13 (e667366), in the same import forms
    "__init__.py": "from .replica import generalization_error\n",
    "solver.py": "def _minor_coefficient(k, b0):\n    return 0\n",
    "replica.py": ("from .solver import _minor_coefficient\n\ndef generalization_error():\n"
                   "    from .replica_mp import generalization_error_mp\n" + "x = 1\n" * 800),
    "replica_mp.py": "def generalization_error_mp():\n    from .replica import _prox\n    from .replica_panels import f\n",
    "replica_panels.py": "from .replica_mp import _integrands64\n\ndef f():\n    from .replica import _hybr_point\n",
}


def test_the_checks_catch_the_old_layout(tmp_path):
    """The checks are not vacuous: on a copy of the old flat layout's import structure each one fails."""
    root = tmp_path / "ptft_theory"
    root.mkdir()
    for name, text in OLD_LAYOUT.items():
        (root / name).write_text(text)
    assert cycles(graph(root)) == [["ptft_theory.replica", "ptft_theory.replica_mp", "ptft_theory.replica_panels"]]
    assert oversized(root) == {"ptft_theory.replica": 804}
    assert len(private_imports(root)) == 4
    # boundaries read ``A._mp.last[3]`` through the module (issue 13): the attribute form of the rule
    (root / "boundaries.py").write_text("from . import replica as A\n\ndef f():\n    return A._mp.last[3]\n")
    assert private_attributes(root) == ["ptft_theory.boundaries:4 reads ptft_theory.replica._mp"]
    # a submodule taking a name its package's __init__ binds, while that __init__ imports the submodule
    (root / "sub").mkdir()
    (root / "sub" / "__init__.py").write_text("from .api import run\nHELPER = 1\n")
    (root / "sub" / "api.py").write_text("def run():\n    from . import HELPER\n    return HELPER\n")
    (root / "sub" / "leaf.py").write_text("from . import api\n")  # a sibling through the package: no circle
    assert ["ptft_theory.sub", "ptft_theory.sub.api"] in cycles(graph(root))
    assert not any("ptft_theory.sub.leaf" in c for c in cycles(graph(root)))
    (root / "cli.py").write_text("from .config import Task\n")
    assert unresolved(root) == ["ptft_theory.cli:1 imports ptft_theory.config"]
    (tmp_path / "scripts").mkdir()  # a probe naming the old modules, in its code and in a code string
    (tmp_path / "scripts" / "probe.py").write_text(
        "from ptft_theory.replica import generalization_error, _gone  # comment\n"
        "code = '''\nfrom ptft_theory._io import write_csv_atomic\nimport ptft_theory.figures as F\n'''\n")
    assert stale_references(root) == ["scripts/probe.py:1 imports ptft_theory.replica._gone",
                                      "scripts/probe.py:3 imports ptft_theory._io",
                                      "scripts/probe.py:4 imports ptft_theory.figures"]
    (tmp_path / "validation").mkdir()  # both import forms of a private module (the old scripts' ``_io``)
    (tmp_path / "validation" / "check.py").write_text("import ptft_theory._io as io\nfrom ptft_theory._io import w\n")
    assert script_private_imports(root) == ["check.py:1", "check.py:2"]


@pytest.mark.parametrize("name", ["symbolic", "codegen", "kernels", "simulate", "replica", "advisor", "experiments",
                                  "cli"])
def test_pipeline_stages_are_packages(name):
    assert (PKG / name / "__init__.py").is_file()


TESTS = Path(__file__).resolve().parents[1]


def test_tests_mirror_the_package():
    """Each folder of tests/ is a stage of the package (or ``contract/``, the cross-cutting suites), and
    every test file's name is unique across the tree (pytest imports them by base name)."""
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders - {"contract"} <= {p.name for p in PKG.iterdir() if (p / "__init__.py").is_file()}
    names = [p.name for p in TESTS.rglob("test_*.py")]
    assert len(names) == len(set(names))


def test_configs_are_package_data():
    """The recorded configs are real files inside the package (a wheel ships them), not a link."""
    folder = PKG / "configs"
    assert folder.is_dir() and not folder.is_symlink()
    assert {"fig2.toml", "fig3.toml", "fig5.toml"} <= {p.name for p in folder.glob("*.toml")}
