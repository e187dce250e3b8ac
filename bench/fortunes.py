"""The reference page: TechEmpower's "Fortunes" test on the plain stack (Flask,
Flask-SQLAlchemy, Jinja2), nothing of the workspace's.

Every row of a small table is read through the ORM, one more is added at request time, the
list is sorted by message and rendered in a template that escapes it. bench/run serves it with
the same gunicorn settings (gunicorn.conf.py) and the same database as the app, and reports
every page as a share of its requests per second: absolute figures on a shared machine drift
from run to run, the ratio much less.

    DATABASE_URL=... gunicorn -c gunicorn.conf.py --chdir bench 'fortunes:create_app()'
"""

import os

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from workspace.config import normalise_database_url

# The twelve fortunes of the TechEmpower benchmark.
FORTUNES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. \u2014 Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af",
]
ADDED = "Additional fortune added at request time."


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Fortune(db.Model):
    __tablename__ = "bench_fortune"  # beside the workspace's tables, in the same database

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    db.init_app(app)

    @app.get("/fortunes")
    def fortunes():
        rows = list(db.session.scalars(select(Fortune)))
        rows.append(Fortune(id=0, message=ADDED))
        rows.sort(key=lambda fortune: fortune.message)
        return render_template("fortunes.html", fortunes=rows)

    return app


def ensure_table(url: str) -> None:
    """The table and its twelve rows, when missing."""
    engine = create_engine(normalise_database_url(url))
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        if session.scalar(select(Fortune.id).limit(1)) is None:
            session.add_all(Fortune(id=n, message=text) for n, text in enumerate(FORTUNES, 1))
            session.commit()
    engine.dispose()
