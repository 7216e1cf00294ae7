"""Word lists for the generated regency: agencies, their bidang, people and budget lines.

Every name here is invented or generic (the agencies are the usual Perangkat
Daerah of any Indonesian regency); no real official is named.
"""

from __future__ import annotations

REGENCY_CODE = "tirtamaya"
REGENCY_NAME = "Pemerintah Kabupaten Tirtamaya"
REGENCY_HEAD = "Bupati Tirtamaya"
REGENCY_HEAD_NAME = "Drs. Wahyu Adinegoro, M.Si."
"""The generated regency's (fictional) Bupati, pihak kedua of every Kepala Dinas's PK."""
REGENCY_PLACE = "Tirtamaya"
EMAIL_DOMAIN = "tirtamaya.test"

# (code, kind "Dinas"/"Badan", subject, short name, bidang themes)
AGENCIES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("disdik", "Dinas", "Pendidikan", "Disdik",
     ("Pembinaan SD", "Pembinaan SMP", "Pendidikan Anak Usia Dini",
      "Guru dan Tenaga Kependidikan")),
    ("dinkes", "Dinas", "Kesehatan", "Dinkes",
     ("Kesehatan Masyarakat", "Pencegahan dan Pengendalian Penyakit", "Pelayanan Kesehatan",
      "Sumber Daya Kesehatan")),
    ("dpupr", "Dinas", "Pekerjaan Umum dan Penataan Ruang", "DPUPR",
     ("Bina Marga", "Sumber Daya Air", "Cipta Karya", "Penataan Ruang", "Jasa Konstruksi")),
    ("dinsos", "Dinas", "Sosial", "Dinsos",
     ("Rehabilitasi Sosial", "Perlindungan dan Jaminan Sosial", "Pemberdayaan Sosial")),
    ("disnaker", "Dinas", "Tenaga Kerja", "Disnaker",
     ("Pelatihan dan Produktivitas", "Penempatan Tenaga Kerja", "Hubungan Industrial")),
    ("dlh", "Dinas", "Lingkungan Hidup", "DLH",
     ("Tata Lingkungan", "Pengelolaan Sampah", "Pengendalian Pencemaran", "Pertamanan")),
    ("dispendukcapil", "Dinas", "Kependudukan dan Pencatatan Sipil", "Dispendukcapil",
     ("Pelayanan Pendaftaran Penduduk", "Pelayanan Pencatatan Sipil",
      "Pengelolaan Informasi Administrasi Kependudukan")),
    ("dpmd", "Dinas", "Pemberdayaan Masyarakat dan Desa", "DPMD",
     ("Pemerintahan Desa", "Pemberdayaan Masyarakat", "Keuangan dan Aset Desa")),
    ("dishub", "Dinas", "Perhubungan", "Dishub",
     ("Lalu Lintas", "Angkutan", "Prasarana Perhubungan", "Pengendalian dan Operasional")),
    ("diskominfo", "Dinas", "Komunikasi dan Informatika", "Diskominfo",
     ("Aplikasi Informatika", "Informasi dan Komunikasi Publik", "Statistik", "Persandian")),
    ("diskoperindag", "Dinas", "Koperasi, Usaha Mikro, Perindustrian dan Perdagangan",
     "Diskoperindag", ("Koperasi", "Usaha Mikro", "Perdagangan", "Perindustrian")),
    ("dpmptsp", "Dinas", "Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP",
     ("Penanaman Modal", "Pelayanan Perizinan", "Pengaduan dan Informasi")),
    ("dispora", "Dinas", "Kepemudaan dan Olahraga", "Dispora",
     ("Kepemudaan", "Olahraga", "Sarana dan Prasarana Olahraga")),
    ("disparbud", "Dinas", "Pariwisata dan Kebudayaan", "Disparbud",
     ("Destinasi Pariwisata", "Pemasaran Pariwisata", "Kebudayaan", "Ekonomi Kreatif")),
    ("dispertan", "Dinas", "Pertanian", "Dispertan",
     ("Tanaman Pangan", "Hortikultura", "Perkebunan", "Penyuluhan", "Prasarana Pertanian")),
    ("diskanak", "Dinas", "Perikanan dan Peternakan", "Diskanak",
     ("Perikanan Budidaya", "Perikanan Tangkap", "Peternakan", "Kesehatan Hewan")),
    ("disperkim", "Dinas", "Perumahan dan Kawasan Permukiman", "Disperkim",
     ("Perumahan", "Kawasan Permukiman", "Pertanahan")),
    ("dinas-kb", "Dinas", "Pengendalian Penduduk dan Keluarga Berencana", "Dinas KB",
     ("Keluarga Berencana", "Ketahanan Keluarga", "Pengendalian Penduduk")),
    ("dp3a", "Dinas", "Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A",
     ("Pemberdayaan Perempuan", "Perlindungan Anak", "Pemenuhan Hak Anak")),
    ("disarpus", "Dinas", "Perpustakaan dan Kearsipan", "Disarpus",
     ("Perpustakaan", "Kearsipan", "Pembinaan dan Pengembangan Pustakawan")),
    ("dkp", "Dinas", "Ketahanan Pangan", "DKP",
     ("Ketersediaan Pangan", "Distribusi dan Cadangan Pangan", "Konsumsi dan Keamanan Pangan")),
    ("satpolpp", "Dinas", "Satuan Polisi Pamong Praja", "Satpol PP",
     ("Penegakan Perundang-undangan Daerah", "Ketertiban Umum", "Perlindungan Masyarakat")),
    ("damkar", "Dinas", "Pemadam Kebakaran dan Penyelamatan", "Damkar",
     ("Pencegahan Kebakaran", "Operasi dan Penyelamatan", "Sarana dan Prasarana")),
    ("bappeda", "Badan", "Perencanaan Pembangunan Daerah", "Bappeda",
     ("Perencanaan Pemerintahan dan Pembangunan Manusia", "Perencanaan Perekonomian",
      "Perencanaan Infrastruktur dan Kewilayahan", "Penelitian dan Pengembangan")),
    ("bpkad", "Badan", "Pengelolaan Keuangan dan Aset Daerah", "BPKAD",
     ("Anggaran", "Perbendaharaan", "Akuntansi", "Aset Daerah")),
    ("bapenda", "Badan", "Pendapatan Daerah", "Bapenda",
     ("Pendataan dan Penetapan", "Penagihan", "Pengembangan Pendapatan",
      "Pajak Bumi dan Bangunan")),
    ("bkpsdm", "Badan", "Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM",
     ("Pengadaan dan Informasi Kepegawaian", "Mutasi dan Promosi", "Pengembangan Kompetensi")),
    ("bpbd", "Badan", "Penanggulangan Bencana Daerah", "BPBD",
     ("Pencegahan dan Kesiapsiagaan", "Kedaruratan dan Logistik", "Rehabilitasi dan Rekonstruksi")),
    ("bakesbangpol", "Badan", "Kesatuan Bangsa dan Politik", "Bakesbangpol",
     ("Ideologi dan Wawasan Kebangsaan", "Politik Dalam Negeri", "Ketahanan Ekonomi dan Sosial")),
    ("inspektorat", "Badan", "Inspektorat Daerah", "Inspektorat",
     ("Pengawasan Pemerintahan", "Pengawasan Pembangunan", "Pengawasan Keuangan")),
    ("rsud", "Badan", "Rumah Sakit Umum Daerah", "RSUD",
     ("Pelayanan Medis", "Keperawatan", "Penunjang Medis", "Keuangan dan Program")),
    ("disperindag", "Dinas", "Perindustrian dan Perdagangan", "Disperindag",
     ("Perindustrian", "Perdagangan Dalam Negeri", "Metrologi", "Pasar")),
    ("dispenda-wisata", "Dinas", "Kebudayaan", "Disbud",
     ("Cagar Budaya", "Kesenian", "Sejarah dan Tradisi")),
    ("dpkp", "Dinas", "Perumahan Rakyat dan Kawasan Permukiman", "DPKP",
     ("Penyediaan Perumahan", "Sanitasi", "Air Minum")),
    ("dinas-pertanahan", "Dinas", "Pertanahan", "Dispertanahan",
     ("Pengadaan Tanah", "Penataan Pertanahan", "Sengketa Pertanahan")),
    ("dishut", "Dinas", "Kehutanan dan Konservasi", "Dishut",
     ("Perlindungan Hutan", "Rehabilitasi Lahan", "Pemanfaatan Hutan")),
    ("dinas-esdm", "Dinas", "Energi dan Sumber Daya Mineral", "Dinas ESDM",
     ("Energi", "Ketenagalistrikan", "Mineral dan Batubara")),
    ("dinas-transmigrasi", "Dinas", "Transmigrasi", "Distrans",
     ("Penyiapan Permukiman", "Pembinaan Masyarakat Transmigrasi", "Pengembangan Kawasan")),
    ("balitbang", "Badan", "Penelitian dan Pengembangan Daerah", "Balitbangda",
     ("Penelitian", "Pengembangan Inovasi", "Kelitbangan Sosial dan Ekonomi")),
    ("bpmd", "Badan", "Pemberdayaan Masyarakat", "Bapemas",
     ("Kelembagaan Masyarakat", "Usaha Ekonomi Masyarakat", "Teknologi Tepat Guna")),
    ("dinas-umkm", "Dinas", "Usaha Kecil dan Menengah", "Dinas UKM",
     ("Pemberdayaan UKM", "Pembiayaan UKM", "Pemasaran UKM")),
    ("dinas-kelautan", "Dinas", "Kelautan", "Diskel",
     ("Pesisir dan Pulau Kecil", "Pengawasan Sumber Daya Kelautan", "Pemberdayaan Nelayan")),
    ("kecamatan-kota", "Badan", "Pengelolaan Kawasan Kota", "BPKK",
     ("Tata Kota", "Pelayanan Umum", "Kebersihan Kota")),
    ("dinas-pemakaman", "Dinas", "Pertamanan dan Pemakaman", "Distamkam",
     ("Pertamanan", "Pemakaman", "Penerangan Jalan Umum")),
    ("badan-diklat", "Badan", "Pendidikan dan Pelatihan", "Badan Diklat",
     ("Diklat Kepemimpinan", "Diklat Teknis", "Sertifikasi")),
    ("dinas-pasar", "Dinas", "Pengelolaan Pasar", "Dinas Pasar",
     ("Pengelolaan Pasar", "Ketertiban Pasar", "Retribusi Pasar")),
    ("badan-keuangan-desa", "Badan", "Pengawasan Keuangan Desa", "BPKD",
     ("Evaluasi APBDes", "Pendampingan Desa", "Pelaporan Keuangan Desa")),
    ("dinas-air", "Dinas", "Sumber Daya Air", "Dinas SDA",
     ("Irigasi", "Sungai dan Pantai", "Air Baku")),
    ("dinas-koperasi-ukm", "Dinas", "Koperasi", "Diskop",
     ("Kelembagaan Koperasi", "Pengawasan Koperasi", "Pembiayaan Koperasi")),
    ("dinas-ketenteraman", "Dinas", "Ketenteraman dan Ketertiban", "Distantrib",
     ("Ketenteraman", "Ketertiban", "Linmas")),
)  # fmt: skip

SUBBAG = (
    ("program", "Sub Bagian Perencanaan, Evaluasi dan Pelaporan"),
    ("keuangan", "Sub Bagian Keuangan"),
    ("umum", "Sub Bagian Umum dan Kepegawaian"),
)
SEKSI_PATTERNS = (
    "Perencanaan dan Pendataan", "Pembinaan", "Pengendalian dan Evaluasi", "Pengembangan",
)  # fmt: skip
STAFF_TITLES = (
    "Pengelola Data", "Analis Kebijakan", "Pengadministrasi Umum", "Penyusun Program",
    "Pengolah Data", "Pranata Komputer", "Pengelola Barang Milik Daerah", "Analis Perencanaan",
    "Fasilitator", "Pengelola Keuangan", "Verifikator Keuangan", "Pengelola Layanan Operasional",
    "Analis Sumber Daya Manusia Aparatur", "Pengelola Sistem Informasi", "Penata Laporan Keuangan",
)  # fmt: skip

MALE_FIRST = (
    "Agus", "Bambang", "Budi", "Dedi", "Eko", "Fajar", "Hadi", "Hendra", "Imam", "Joko",
    "Rahmat", "Slamet", "Teguh", "Wahyu", "Yusuf", "Arif", "Bayu", "Dimas", "Gilang", "Irfan",
    "Rudi", "Sugeng", "Taufik", "Wawan", "Heru", "Aditya", "Andi", "Rizky", "Bagus", "Dwi",
)  # fmt: skip
FEMALE_FIRST = (
    "Sri", "Dewi", "Rina", "Fitri", "Nur", "Siti", "Lina", "Wulan", "Putri", "Indah",
    "Ratna", "Maya", "Ani", "Dian", "Endah", "Lestari", "Novi", "Retno", "Yuli", "Wahyuni",
    "Ayu", "Diah", "Kartika", "Mega", "Nanik", "Puji", "Rahayu", "Suci", "Tri", "Yanti",
)  # fmt: skip
LAST_NAMES = (
    "Wibowo", "Santoso", "Prasetyo", "Hidayat", "Kusuma", "Saputra", "Setiawan", "Nugroho",
    "Purnomo", "Hartono", "Susanto", "Wijaya", "Gunawan", "Firmansyah", "Utomo", "Suryadi",
    "Lestari", "Rahmawati", "Handayani", "Permatasari", "Anggraini", "Kurniawati", "Susilo",
    "Maharani", "Pratiwi", "Puspitasari", "Wulandari", "Hakim", "Mulyadi", "Sutrisno",
    "Haryanto", "Ismail", "Syahputra", "Ramadhan", "Fauzi", "Nurhayati", "Safitri", "Yulianto",
)  # fmt: skip
DEGREES = ("S.E.", "S.Sos.", "S.T.", "S.H.", "S.Kom.", "S.Pd.", "S.P.", "S.Si.", "S.IP.", "S.AP.")
MASTERS = ("M.M.", "M.Si.", "M.T.", "M.H.", "M.AP.", "M.Pd.")

SUPPORT_PROGRAM = "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota"
SUPPORT_KEGIATAN = (
    ("Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
     "Penyusunan Dokumen Perencanaan Perangkat Daerah"),
    ("Administrasi Keuangan Perangkat Daerah", "Penyediaan Gaji dan Tunjangan ASN"),
    ("Administrasi Umum Perangkat Daerah", "Penyediaan Bahan Logistik Kantor"),
    ("Administrasi Kepegawaian Perangkat Daerah", "Pendidikan dan Pelatihan Pegawai"),
    ("Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah",
     "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik"),
)  # fmt: skip
FIELD_KEGIATAN = (
    ("Pembinaan dan Pengembangan {theme}", "Koordinasi, Sinkronisasi dan Pelaksanaan {theme}"),
    ("Pengelolaan Data dan Informasi {theme}", "Pendataan dan Pemutakhiran Basis Data {theme}"),
    ("Peningkatan Kapasitas {theme}", "Bimbingan Teknis dan Pendampingan {theme}"),
    ("Pengawasan dan Pengendalian {theme}", "Monitoring dan Evaluasi {theme}"),
)  # fmt: skip

RETURN_REASONS = (
    "Data pembanding tahun lalu belum dilampirkan; lengkapi bukti dukung.",
    "Angka realisasi belum sesuai dengan laporan keuangan; mohon diperiksa kembali.",
    "Narasi kendala dan upaya belum diisi untuk indikator yang capaiannya rendah.",
    "Bukti dukung belum ditandatangani kepala seksi; mohon dilengkapi.",
)
KENDALA = (
    "Keterbatasan anggaran pada triwulan berjalan.",
    "Data dari desa/kelurahan terlambat masuk.",
    "Jumlah personil pelaksana kegiatan terbatas.",
    "Jadwal kegiatan bergeser karena penyesuaian anggaran.",
)
UPAYA = (
    "Koordinasi rutin dengan perangkat daerah terkait.",
    "Percepatan pengumpulan data melalui aplikasi daring.",
    "Penjadwalan ulang kegiatan pada triwulan berikutnya.",
    "Optimalisasi tenaga yang ada dengan pembagian tugas.",
)
NO_DATA_REASON = "Data belum dirilis oleh instansi vertikal (BPS) pada triwulan ini."
