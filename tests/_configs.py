"""Small network-study configs as TOML text, shared by the tests and ``scripts/probe_cli_reliability.py``.

Every value is a TOML literal written by the caller (strings quoted: ``name='"x"'``), so a test can put
any value at any key, well-formed or not (``seeds="0"``, ``name="3"``).
"""

#: The [protocol] table of a transformer small enough to train in a second on one core.
TINY_TRANSFORMER_PROTOCOL = """p = {p}
d_model = 8
n_heads = 2
d_mlp = 8
pt_steps = 2
ft_steps = 2
n_probe = 4
"""


def transformer_config(name='"tiny"', seeds="[0]", n_ft="[5]", p=5, protocol=None) -> str:
    """A modular-arithmetic transformer study: one FT op ("sub"), one init; ``protocol`` is the body of the
    [protocol] table (default: :data:`TINY_TRANSFORMER_PROTOCOL` with modulus ``p``)."""
    if protocol is None:
        protocol = TINY_TRANSFORMER_PROTOCOL.format(p=p)
    return (f"name = {name}\nseeds = {seeds}\nn_ft = {n_ft}\nft_ops = [\"sub\"]\n"
            f"[base]\nc_pt = 0.25\nkappa = 1.0\ngamma_ft = 1.0\n[protocol]\n{protocol}")


def resnet_config(name='"r"') -> str:
    """A CIFAR-100 ResNet study with the default protocol, one seed, one FT size, one init."""
    return (f'name = {name}\ndataset = "cifar100"\nseeds = [0]\nn_ft = [4]\n'
            "[base]\nc_pt = 1.0\nkappa = 1.0\ngamma_ft = 1.0\n")
