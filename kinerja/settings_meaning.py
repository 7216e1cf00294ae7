"""What each setting means, in the administrator's words (Bahasa Indonesia), for the settings
page (/admin/pengaturan). The README's table says the same in English; a test holds both lists
equal to the settings (tests/integration/test_settings_documented.py)."""

from __future__ import annotations

MEANINGS: dict[str, str] = {
    "database_url": "Alamat basis data: sqlite:///berkas atau postgresql+psycopg://...",
    "timezone": "Zona waktu tanggal dan tenggat (WIB: Asia/Jakarta)",
    "smtp_host": "Server SMTP pengirim email",
    "smtp_port": "Port server SMTP",
    "smtp_user": "Nama pengguna SMTP, bila server memintanya",
    "smtp_password": "Kata sandi SMTP (tidak pernah ditampilkan)",
    "smtp_security": "Pengamanan SMTP: none, starttls atau tls",
    "smtp_sender": "Alamat pengirim email",
    "base_url": "Alamat publik Kinerja, dipakai di tautan dalam email",
    "evidence_dir": "Direktori penyimpanan berkas bukti dukung",
    "evidence_report_max_files": "Jumlah berkas bukti dukung paling banyak per laporan",
    "evidence_report_max_mb": "Ukuran bukti dukung paling besar per laporan (MB)",
    "evidence_daily_max_mb": "Ukuran unggahan bukti dukung paling besar per orang per hari (MB)",
    "log_level": "Tingkat rincian log (DEBUG, INFO, WARNING, ...)",
    "submit_working_days": "Laporan wajib diajukan sekian hari kerja setelah triwulan berakhir",
    "verify_working_days": "Verifikasi wajib selesai sekian hari kerja sesudahnya",
    "approve_working_days": "Persetujuan wajib selesai sekian hari kerja sesudahnya",
    "reminder_offsets": "Pengingat dikirim sekian hari kerja sebelum tenggat (0: pada harinya)",
    "escalate_superior_after": "Atasan langsung diberi tahu sekian hari kerja setelah tenggat",
    "escalate_head_after": "Kepala perangkat daerah diberi tahu sekian hari kerja setelah tenggat",
    "sweep_hour": "Jam (waktu setempat) pemeriksaan pengingat harian, hanya pada hari kerja",
    "acting_rules": "Status penugasan (definitif, Plt, Plh, Pj) yang boleh melakukan tiap aksi",
    "secret_key": "Kunci penanda tangan cookie sesi; sama di setiap instans (disamarkan)",
    "session_hours": "Lama peramban tetap masuk (jam)",
    "login_max_failures": "Gagal masuk berturut-turut sebelum akun dikunci",
    "login_lock_minutes": "Lama akun atau alamat terkunci (menit)",
    "login_address_max_failures": "Gagal masuk dari satu alamat sebelum alamat itu dikunci",
    "trusted_proxies": "Proksi terpercaya yang X-Forwarded-For-nya dipakai",
    "second_factor_required": "Yang wajib memakai faktor kedua (TOTP): admin, approver",
    "cookie_secure": "Cookie hanya lewat HTTPS (kosong: mengikuti alamat publik)",
    "narrative_threshold": "Kategori capaian yang mewajibkan kendala dan upaya (ke bawah)",
    "soffice": "Program LibreOffice (soffice) pembuat PDF, bila tidak ada di PATH",
    "invite_days": "Berapa hari tautan undangan akun baru berlaku",
    "reset_minutes": "Berapa menit tautan 'lupa kata sandi' berlaku (sekali pakai)",
    "fixed_now": "Jam dibekukan pada saat ini (hanya untuk demo, pelatihan dan uji)",
}
