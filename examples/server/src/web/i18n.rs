//! The pages' words, in Vietnamese (the default, the manual's labels) and English. A
//! template reads `t.field`: a missing word is a compile error, in both languages.

/// Which language a page is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Tiếng Việt (the default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// From the `chamdiem_lang` cookie's value.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// The code (`vi`, `en`), for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    /// The words.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
    /// The manual's label of a state, or its English one.
    pub fn state(self, s: chamdiem::State) -> &'static str {
        match self {
            Lang::Vi => s.label_vi(),
            Lang::En => s.label_en(),
        }
    }
    /// A role's name.
    pub fn role(self, r: chamdiem::Role) -> &'static str {
        let t = self.text();
        match r {
            chamdiem::Role::Unit => t.role_unit,
            chamdiem::Role::Reviewer => t.role_reviewer,
            chamdiem::Role::Admin => t.role_admin,
            chamdiem::Role::Viewer => t.role_viewer,
        }
    }
}

macro_rules! catalogue {
    ($($key:ident: $vi:expr, $en:expr;)*) => {
        /// Every word of the pages.
        #[derive(Debug)]
        #[allow(missing_docs)]
        pub struct Text { $(pub $key: &'static str,)* }
        /// Tiếng Việt.
        pub static VI: Text = Text { $($key: $vi,)* };
        /// English.
        pub static EN: Text = Text { $($key: $en,)* };
    };
}

catalogue! {
    app_name: "Chấm điểm", "Scoring";
    skip: "Bỏ qua đến nội dung", "Skip to content";
    menu: "Menu", "Menu";
    menu_home: "Hồ sơ", "Dossiers";
    menu_self: "1- Tự đánh giá chấm điểm", "1- Self-assessment";
    menu_explain: "Giải trình theo yêu cầu của tỉnh", "Explanations requested by the province";
    menu_results: "3. Kết quả đánh giá", "3. Results";
    menu_completed: "Hồ sơ hoàn thành", "Completed dossiers";
    menu_admin: "Quản trị", "Administration";
    account: "Tài khoản", "Account";
    account_settings: "Cài đặt tài khoản", "Account settings";
    logout: "Đăng xuất", "Log out";
    login: "Đăng nhập", "Log in";
    login_title: "Đăng nhập hệ thống", "Log in";
    login_name: "Tên tài khoản", "Account name";
    password: "Mật khẩu", "Password";
    bad_credentials: "Tên tài khoản hoặc mật khẩu không đúng.", "The account name or the password is not correct.";
    too_many: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau (giây):", "Too many failed logins. Try again after (seconds):";
    save: "Lưu", "Save";
    saved: "Đã lưu.", "Saved.";
    name: "Họ và tên", "Name";
    email: "Thư điện tử", "E-mail";
    phone: "Điện thoại", "Phone";
    role: "Vai trò", "Role";
    unit: "Đơn vị", "Unit";
    role_unit: "Cán bộ đơn vị được đánh giá", "Assessed unit";
    role_reviewer: "Cán bộ thẩm định (tỉnh)", "Reviewer (province)";
    role_admin: "Quản trị hệ thống", "Administrator";
    role_viewer: "Xem", "Viewer";
    change_password: "Đổi mật khẩu", "Change password";
    current_password: "Mật khẩu hiện tại", "Current password";
    new_password: "Mật khẩu mới", "New password";
    password_hint: "Tối thiểu 8 ký tự; có thể dùng câu tiếng Việt có dấu.", "At least 8 characters; a sentence works well.";
    password_changed: "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.", "Password changed. Your other sessions have ended.";
    must_change: "Vui lòng đổi mật khẩu tạm trước khi tiếp tục.", "Please change your temporary password first.";
    dossiers: "Danh sách hồ sơ", "Dossiers";
    no_dossiers: "Chưa có hồ sơ nào.", "No dossiers yet.";
    period: "Kỳ đánh giá", "Period";
    state: "Trạng thái", "State";
    version: "Phiên bản", "Version";
    updated: "Cập nhật", "Updated";
    open: "Mở", "Open";
    dossier: "Hồ sơ", "Dossier";
    criteria_set: "Bộ chỉ tiêu", "Criteria set";
    self_points: "Điểm tự chấm", "Self-assessment";
    review_points: "Điểm thẩm định", "Review";
    final_points: "Điểm cuối cùng", "Final";
    max_points: "Điểm tối đa", "Maximum";
    percent: "Tỷ lệ", "Percent";
    classification: "Xếp loại", "Classification";
    total: "Tổng", "Total";
    group: "Nhóm chỉ tiêu", "Criteria group";
    actions: "Thao tác có thể thực hiện", "Possible actions";
    allowed: "được phép", "allowed";
    not_now: "chưa thể", "not now";
    history: "Lịch sử", "History";
    when: "Thời gian", "When";
    who: "Người thực hiện", "Who";
    what: "Nội dung", "What";
    error: "Lỗi", "Error";
    back_home: "Về trang chủ", "Back to the start page";
    not_found: "Không tìm thấy trang hoặc hồ sơ này.", "This page or dossier does not exist.";
    forbidden: "Bạn không có quyền thực hiện thao tác này.", "You may not do this.";
    csrf: "Yêu cầu bị từ chối để bảo vệ tài khoản của bạn. Vui lòng tải lại trang và thử lại.", "The request was refused to protect your account. Reload the page and try again.";
    language: "Ngôn ngữ", "Language";
    admin_units: "Đơn vị", "Units";
    admin_users: "Người dùng", "Users";
    admin_periods: "Kỳ đánh giá", "Periods";
    admin_sets: "Bộ chỉ tiêu", "Criteria sets";
    id: "Mã định danh", "Id";
    code: "Mã", "Code";
    kind: "Loại", "Kind";
    parent: "Đơn vị cấp trên", "Parent unit";
    none: "(không)", "(none)";
    create: "Thêm mới", "Create";
    edit: "Sửa", "Edit";
    login_col: "Tài khoản", "Account";
    disabled: "Đã khóa", "Disabled";
    active: "Đang hoạt động", "Active";
    disable: "Khóa tài khoản", "Disable account";
    enable: "Mở khóa tài khoản", "Enable account";
    reset_password: "Cấp lại mật khẩu", "Reset password";
    temporary_password: "Mật khẩu tạm (chỉ hiện một lần, người dùng phải đổi khi đăng nhập):", "Temporary password (shown once; it must be changed at the first login):";
    year: "Năm", "Year";
    assessing_unit: "Đơn vị thẩm định", "Assessing unit";
    deadline: "Hạn tự chấm (RFC 3339, ví dụ 2026-03-31T23:59:59+07:00)", "Self-assessment deadline (RFC 3339, e.g. 2026-03-31T23:59:59+07:00)";
    sets_per_kind: "Bộ chỉ tiêu theo loại đơn vị", "Criteria set per kind of unit";
    open_dossiers: "Mở hồ sơ cho các đơn vị", "Open dossiers for units";
    opened: "Đã mở hồ sơ:", "Dossiers opened:";
    import: "Nhập bộ chỉ tiêu", "Import a criteria set";
    import_hint: "Tệp JSON, TOML (dạng rút gọn) hoặc Excel (.xlsx) theo mẫu.", "A JSON, compact TOML or Excel (.xlsx) file following the template.";
    file: "Tệp", "File";
    template: "Tải mẫu Excel (có sẵn ví dụ)", "Download the Excel template (filled example)";
    imported: "Đã nhập bộ chỉ tiêu:", "Imported criteria set:";
    problems: "Bộ chỉ tiêu có lỗi, chưa nhập:", "The criteria set has problems; nothing was imported:";
    sheet: "Trang", "Sheet";
    row: "Hàng", "Row";
    column: "Cột", "Column";
    message: "Lỗi", "Problem";
    revision: "Phiên bản", "Revision";
    revision_short: "PB", "Rev.";
}
