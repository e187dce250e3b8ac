"""CPD networks: sessions, bookings and waiting lists, registers, hours, supply cover,
calendars and shared files."""
