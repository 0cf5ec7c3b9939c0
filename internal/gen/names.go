package gen

// Vietnamese names, NFC. Family-name shares are the commonly cited estimates (per
// mille): Nguyễn 384, Trần 110, Lê 95, Phạm 71, Hoàng/Huỳnh 51, Phan 45, Vũ/Võ 39,
// Đặng 21, Bùi 20, Đỗ 14, Hồ 13, Ngô 13, Dương 10, Lý 5 (Wikipedia "Vietnamese name",
// after Lê Trung Hoa, Họ và tên người Việt Nam); the rest is shared by less common
// names. Hoàng and Vũ are the northern forms of Huỳnh and Võ (the southern ones, from
// the taboo on the Nguyễn lords' names), so the spelling follows the birth region.

type familyName struct {
	north, south string
	perMille     uint32
}

var familyNames = []familyName{
	{"Nguyễn", "Nguyễn", 384}, {"Trần", "Trần", 110}, {"Lê", "Lê", 95}, {"Phạm", "Phạm", 71},
	{"Hoàng", "Huỳnh", 51}, {"Phan", "Phan", 45}, {"Vũ", "Võ", 39}, {"Đặng", "Đặng", 21},
	{"Bùi", "Bùi", 20}, {"Đỗ", "Đỗ", 14}, {"Hồ", "Hồ", 13}, {"Ngô", "Ngô", 13},
	{"Dương", "Dương", 10}, {"Lý", "Lý", 5},
	{"Đinh", "Đinh", 8}, {"Trịnh", "Trịnh", 8}, {"Trương", "Trương", 9}, {"Đào", "Đào", 7},
	{"Đoàn", "Đoàn", 7}, {"Lâm", "Lâm", 6}, {"Mai", "Mai", 6}, {"Hà", "Hà", 6},
	{"Cao", "Cao", 5}, {"Lương", "Lương", 5}, {"Tô", "Tô", 4}, {"Tạ", "Tạ", 4},
	{"Phùng", "Phùng", 4}, {"Vương", "Vương", 4}, {"Lưu", "Lưu", 4}, {"Chu", "Chu", 3},
	{"Thái", "Thái", 3}, {"Quách", "Quách", 2}, {"Kiều", "Kiều", 2}, {"La", "La", 2},
	{"Tăng", "Tăng", 2}, {"Châu", "Châu", 2}, {"Triệu", "Triệu", 3}, {"Nông", "Nông", 3},
	{"Hứa", "Hứa", 2}, {"Lò", "Lò", 2}, {"Khổng", "Khổng", 1}, {"Diệp", "Diệp", 1},
}

var familyCum = func() []uint32 {
	w := make([]uint32, len(familyNames))
	for i, f := range familyNames {
		w[i] = f.perMille
	}
	return cumulative(w)
}()

// Middle names depend on sex and on generation: Văn and Thị were near universal for
// people born before the 1980s and are far less so for their children.
type weighted struct {
	words []string
	cum   []uint32
}

func table(words []string, weights ...uint32) weighted {
	w := make([]uint32, len(words))
	for i := range w {
		w[i] = 1
		if i < len(weights) {
			w[i] = weights[i]
		}
	}
	return weighted{words, cumulative(w)}
}

func (t weighted) draw(r *rng) string { return t.words[r.pick(t.cum)] }

var (
	middleMaleOld   = table([]string{"Văn", "Đức", "Hữu", "Xuân", "Đình", "Công", "Ngọc", "Quang", "Minh", "Thanh", "Trọng", "Bá"}, 140, 10, 10, 7, 7, 6, 5, 5, 4, 4, 3, 2)
	middleMaleNew   = table([]string{"Văn", "Minh", "Đức", "Gia", "Quang", "Bảo", "Hoàng", "Thành", "Anh", "Hữu", "Công", "Tuấn", "Ngọc", "Trung", "Nhật", "Đăng"}, 30, 12, 10, 8, 8, 7, 6, 6, 5, 4, 3, 3, 3, 3, 3, 2)
	middleFemaleOld = table([]string{"Thị", "Ngọc", "Kim", "Hồng", "Thu", "Thanh", "Xuân", "Bích"}, 170, 6, 5, 4, 4, 4, 3, 2)
	middleFemaleNew = table([]string{"Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Bảo", "Khánh", "Mai", "Quỳnh", "Diệu", "Hoài", "Thùy", "Hà", "Bích"}, 35, 10, 6, 6, 6, 6, 6, 5, 4, 4, 3, 3, 3, 3, 2)

	givenMale = table([]string{"Anh", "Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Nam", "Long", "Thắng", "Hiếu",
		"Phong", "Quân", "Khánh", "Huy", "Đức", "Sơn", "Thành", "Tùng", "Trung", "Hoàng",
		"Bình", "Cường", "Hưng", "Kiên", "Lâm", "Lộc", "Phúc", "Tài", "Thịnh", "Vinh",
		"Việt", "Bảo", "Đạt", "Khoa", "Nghĩa", "Quang", "Tâm", "Thái", "Toàn", "Trí",
		"Vũ", "Hòa", "Hậu", "Tú", "Chiến", "Dương", "Giang", "Khang", "Nhân", "Phát"},
		4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2)
	givenFemale = table([]string{"Anh", "Linh", "Hương", "Lan", "Hoa", "Mai", "Trang", "Thảo", "Hằng", "Hạnh",
		"Huyền", "Ngọc", "Nhung", "Phương", "Thủy", "Yến", "Vy", "Nhi", "Hà", "Thu",
		"Loan", "Dung", "Hiền", "Oanh", "Quyên", "Trâm", "Châu", "Giang", "Hồng", "Ly",
		"My", "Ngân", "Nga", "Tâm", "Tuyết", "Vân", "Xuân", "Diệp", "Hải", "Uyên"},
		4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2)
)

// drawFamily is a family name spelt the way the region spells it.
func drawFamily(r *rng, north bool) string {
	f := familyNames[r.pick(familyCum)]
	if north {
		return f.north
	}
	return f.south
}

func drawMiddle(r *rng, female bool, birthYear int) string {
	old := birthYear < 1985
	switch {
	case female && old:
		return middleFemaleOld.draw(r)
	case female:
		return middleFemaleNew.draw(r)
	case old:
		return middleMaleOld.draw(r)
	}
	return middleMaleNew.draw(r)
}

func drawGiven(r *rng, female bool) string {
	if female {
		return givenFemale.draw(r)
	}
	return givenMale.draw(r)
}
