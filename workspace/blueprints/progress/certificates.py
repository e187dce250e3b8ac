"""Certificates of sessions attended and yearly CPD statements, as printable pages and PDF,
and each attended session's signed credential (the person's own only)."""

from flask import render_template
from flask_login import current_user, login_required

from workspace.blueprints.files import attachment
from workspace.blueprints.progress.views import bp
from workspace.infra.pdf import Document
from workspace.services import credentials
from workspace.services.cpd import certificates
from workspace.templating import hours

PDF = "application/pdf"


@bp.get("/me/cpd/certificates/<int:booking_id>")
@login_required
def certificate(booking_id: int):
    return render_template("progress/certificate.html",
                           certificate=certificates.attendance_certificate(current_user,
                                                                           booking_id))


@bp.get("/me/cpd/certificates/<int:booking_id>.pdf")
@login_required
def certificate_pdf(booking_id: int):
    cert = certificates.attendance_certificate(current_user, booking_id)
    document = Document(f"Certificate of attendance: {cert.title}")
    document.heading("Certificate of attendance", size=24)
    document.paragraph("This certifies that", align="C")
    document.heading(cert.holder, size=20)
    document.paragraph(f"attended “{cert.title}” on {cert.day:%-d %B %Y}, "
                       f"{hours(cert.hours)} hours of continuing professional development,",
                       align="C")
    document.paragraph(f"run by {cert.issuer} ({cert.network})"
                       + (f", at {cert.venue}" if cert.venue else "")
                       + (f", led by {cert.facilitator}" if cert.facilitator else "") + ".",
                       align="C")
    document.paragraph(f"Anyone can check this certificate at {cert.check_url}", size=9,
                       align="C")
    return attachment(document.output(), PDF, f"certificate-{booking_id}.pdf")


@bp.get("/me/cpd/credentials/<int:booking_id>.jws")
@login_required
def credential_download(booking_id: int):
    credential = credentials.attendance_credential(current_user, booking_id)
    return attachment(credentials.signed(credential), "application/jose",
                      f"credential-{booking_id}.jws")


@bp.get("/me/cpd/statements/<int:year>")
@login_required
def statement(year: int):
    return render_template("progress/statement.html",
                           statement=certificates.yearly_statement(current_user, year))


@bp.get("/me/cpd/statements/<int:year>.pdf")
@login_required
def statement_pdf(year: int):
    st = certificates.yearly_statement(current_user, year)
    document = Document(f"CPD statement {st.year}: {st.holder}")
    document.heading(f"CPD statement {st.year}")
    document.paragraph(f"{st.holder}: {hours(st.total)} hours of continuing professional "
                       f"development in {st.year}, of which {hours(st.from_registers)} hours "
                       "are sessions a partnership's register marks as attended; the rest "
                       "the person logged themselves.")
    if st.rows:
        document.table(["Date", "Activity", "Source", "Hours"],
                       [[f"{row.day:%-d %b %Y}", row.activity, row.source, hours(row.hours)]
                        for row in st.rows])
    return attachment(document.output(), PDF, f"cpd-statement-{st.year}.pdf")
