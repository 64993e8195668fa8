"""Program health, charts, exports, my growth and the admin digest: the top layer, reading
what every other app records and changing none of it but the outbox."""
