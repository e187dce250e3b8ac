"""`flask catalogue generate`: a synthetic catalogue at scale, for tests and benchmarks."""

import click

from workspace.blueprints.catalogue.views import bp
from workspace.exceptions import DomainError
from workspace.services.catalogue import synthetic


@bp.cli.command("generate")
@click.option("--qualifications", default=20_000, show_default=True, type=click.IntRange(1))
@click.option("--modules", default=200_000, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--replace", is_flag=True, help="Delete an earlier synthetic catalogue first.")
def generate(qualifications: int, modules: int, seed: int, replace: bool) -> None:
    """Add a synthetic catalogue (items marked SYN-) for tests and benchmarks."""
    try:
        made = synthetic.generate_catalogue(qualifications, modules, seed, replace)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    summary = ", ".join(f"{count:,} {name}" for name, count in made.counts.items())
    click.echo(f"Synthetic catalogue made in {made.seconds:.1f} s: {summary}.")
