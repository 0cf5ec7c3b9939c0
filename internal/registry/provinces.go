package registry

// birthProvinces are the first three digits of a số định danh cá nhân: the province
// where the birth was registered, as the 63 pre-2025 GSO codes with a leading 0
// (TT 07/2016/TT-BCA appendix, forms-and-codes.md §8.5). Numbers issued before the
// 2025 mergers keep their prefix, so the old list stays the reference.
var birthProvinces = map[string]string{
	"001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
	"008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
	"014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
	"020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
	"026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
	"033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
	"037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
	"044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
	"049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
	"056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
	"064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
	"070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
	"077": "Bà Rịa – Vũng Tàu", "079": "TP Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
	"083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
	"089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
	"094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

// BirthProvince names the province of birth registration a national ID prefix
// stands for ("079" → "TP Hồ Chí Minh").
func BirthProvince(prefix string) (string, bool) {
	name, ok := birthProvinces[prefix]
	return name, ok
}

// cardProvinceExtra are issuing codes on BHYT cards that are not provinces:
// 97 BHXH Bộ Quốc phòng (seen in VNPT's TinhBenhVien lookup) and 98 Công an
// (reported, unverified) — forms-and-codes.md §8.2.
var cardProvinceExtra = map[string]bool{"97": true, "98": true}

// KnownCardProvince reports whether a 2-digit issuing-province code on a BHYT card is
// one of the 63 GSO province codes (which include the 34 codes kept after 2025) or
// 97/98.
func KnownCardProvince(code string) bool {
	if cardProvinceExtra[code] {
		return true
	}
	_, ok := birthProvinces["0"+code]
	return len(code) == 2 && ok
}
